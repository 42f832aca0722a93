"""Words for people: counts (``1 event``, ``2 events``) and what a mistyped name may have
meant."""

from __future__ import annotations

from collections.abc import Iterable


def counted(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1 (nouns with a plain ``-s`` plural).

    >>> counted(1, "event"), counted(3, "claim"), counted(0, "source")
    ('1 event', '3 claims', '0 sources')
    """
    return f"{n} {noun}{'' if n == 1 else 's'}"


#: Above this many names, a mistyped one is matched by substring only (difflib would take
#: seconds).
CLOSE_MATCH_LIMIT = 50_000


def suggestions(typed: str, known: Iterable[str], n: int = 3) -> list[str]:
    """What a mistyped or partial name may have meant: the known names holding it
    (case-insensitively), then the closest by spelling (up to :data:`CLOSE_MATCH_LIMIT`
    names); at most ``n``.

    >>> suggestions("putin", ["vladimir-putin", "xi-jinping"])
    ['vladimir-putin']
    >>> suggestions("xi-jinpin", ["vladimir-putin", "xi-jinping"])
    ['xi-jinping']
    """
    import difflib

    names = list(known)
    low = typed.casefold()
    found = [k for k in names if low and low in k.casefold()]
    if len(found) < n and len(names) <= CLOSE_MATCH_LIMIT:
        found += [k for k in difflib.get_close_matches(typed, names, n=n) if k not in found]
    return found[:n]


def meant(typed: Iterable[str], known: Iterable[str]) -> str:
    """The end of a message about names not found: what they may have meant, else the
    names there are (twelve at most, with their number).

    >>> meant(["putin"], ["vladimir-putin", "xi-jinping"])
    "; did you mean 'vladimir-putin'?"
    >>> meant(["zzz"], ["vladimir-putin", "xi-jinping"])
    ' (there are: vladimir-putin, xi-jinping)'
    """
    names = sorted(known)
    close = dict.fromkeys(c for t in typed for c in suggestions(t, names))
    if close:
        return f"; did you mean {', '.join(repr(c) for c in close)}?"
    more = f", ... ({len(names)} in all)" if len(names) > 12 else ""
    return f" (there are: {', '.join(names[:12])}{more})"
