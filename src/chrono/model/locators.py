"""Locators: where in a source a claim's fact stands, in words that say what they point at.

=====================  ==========================================================
``page 507``           a page (printed number; roman numerals for front matter:
``pages 12-15``        ``page xiv``); a range of pages
``paragraph 17``       a paragraph; ``paragraphs 3-4`` a range
``line 5``             a line; ``lines 5-9`` a range
``section 2.3``        a section, as the source numbers it (``section IV.2``)
``folio 12r``          a folio, recto or verso; ``folios 12r-13v`` a range
``time 01:02:03``      an offset in audio or video (h:mm:ss, optional .fraction);
``time 0:01:05-0:02``  a span (``time 0:01:05-0:02:00``)
=====================  ==========================================================

The word comes first and is spelt out, so no reader takes a paragraph for a page. A range
runs forwards (``pages 15-12`` is an error).

>>> parse("pages 12-15")
Locator(kind='page', first='12', last='15')
>>> suggest("p. 507")
'write page 507'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

#: Singular and plural word of each kind.
KINDS: Final = {
    "page": "pages",
    "paragraph": "paragraphs",
    "line": "lines",
    "section": "section",
    "folio": "folios",
    "time": "time",
}
_NUMBER = r"[1-9][0-9]{0,8}"
_ROMAN = r"[ivxlcdm]{1,12}"
_PAGE = f"(?:{_NUMBER}|{_ROMAN})"
_SECTION = r"[0-9A-Za-z]{1,12}(?:\.[0-9A-Za-z]{1,12}){0,7}"
_FOLIO = f"{_NUMBER}[rv]"
_TIME = r"[0-9]{1,3}:[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,3})?"


def _kind(word: str, item: str) -> str:
    plural = KINDS[word]
    return f"{word} {item}|{plural} {item}-{item}"


#: The pattern every locator matches (the forms above; range order is checked by `parse`).
LOCATOR: Final = (
    "^(?:"
    + "|".join(
        (
            _kind("page", _PAGE),
            _kind("paragraph", _NUMBER),
            _kind("line", _NUMBER),
            f"section {_SECTION}",
            _kind("folio", _FOLIO),
            f"time {_TIME}(?:-{_TIME})?",
        )
    )
    + ")$"
)
_LOCATOR = re.compile(LOCATOR)
_SPLIT = re.compile(r"^(\w+) (\S+?)(?:-(\S+))?$")


class LocatorError(ValueError):
    """Not a locator; the message suggests the form to write."""


@dataclass(frozen=True, slots=True)
class Locator:
    kind: str  # page | paragraph | line | section | folio | time
    first: str
    last: str  # equal to first for a single item

    @property
    def numbers(self) -> tuple[int, int] | None:
        """First and last as integers, for numbered pages, paragraphs and lines."""
        if self.kind in ("page", "paragraph", "line") and self.first.isdigit():
            return int(self.first), int(self.last)
        return None


_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def roman(text: str) -> int:
    """The value of a lower-case roman numeral (``xiv`` -> 14)."""
    total = 0
    for a, b in zip(text, [*text[1:], ""], strict=True):
        value = _ROMAN_VALUES[a]
        total += -value if b and _ROMAN_VALUES[b] > value else value
    return total


def _order(kind: str, item: str) -> tuple[int, ...]:
    if kind == "time":
        h, m, s = item.split(":")
        return (int(h), int(m), round(float(s) * 1000))
    if kind == "folio":
        return (int(item[:-1]), item[-1] == "v")
    if item.isdigit():
        return (1, int(item))
    return (0, roman(item))  # front matter comes before page 1


def parse(text: str) -> Locator:
    """A locator's kind and range; :class:`LocatorError` with a suggestion otherwise."""
    if not isinstance(text, str):
        raise LocatorError(f"{text!r} is not a locator; {suggest(text)}")
    return _parse(text)


@lru_cache(maxsize=65536)  # a dataset cites the same few locators again and again
def _parse(text: str) -> Locator:
    if not _LOCATOR.fullmatch(text):
        raise LocatorError(f"{text!r} is not a locator; {suggest(text)}")
    m = _SPLIT.fullmatch(text)
    assert m is not None
    word, first, last = m[1], m[2], m[3] or m[2]
    kind = next(k for k, plural in KINDS.items() if word in (k, plural))
    if m[3] and _order(kind, first) >= _order(kind, last):
        raise LocatorError(f"{text!r}: a range runs forwards ({first} is not before {last})")
    return Locator(kind, first, last)


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except LocatorError:
        return False
    return True


_N = "([1-9][0-9]*)"
_RANGE = f"{_N}\\s*[-–—]\\s*{_N}$"
_HUMAN = (
    (re.compile(r"^(?:p|pg|page)\.?\s*([1-9][0-9]*|[ivxlcdm]+)$", re.I), "page {0}"),
    (
        re.compile(r"^(?:pp|pages)\.?\s*([1-9][0-9]*)\s*[-–—]\s*([1-9][0-9]*)$", re.I),
        "pages {0}-{1}",
    ),
    (re.compile(r"^(?:¶|para|par|paragraph)\.?\s*([1-9][0-9]*)$", re.I), "paragraph {0}"),
    (re.compile(r"^(?:l|ln|line)\.?\s*([1-9][0-9]*)$", re.I), "line {0}"),
    (
        re.compile(r"^(?:ll|lines)\.?\s*([1-9][0-9]*)\s*[-–—]\s*([1-9][0-9]*)$", re.I),
        "lines {0}-{1}",
    ),
    (re.compile(r"^(?:§|sec|sect|section)\.?\s*([0-9A-Za-z.]+)$", re.I), "section {0}"),
    (re.compile(r"^(?:f|fo|fol|folio)\.?\s*([1-9][0-9]*[rv])$", re.I), "folio {0}"),
)


def suggest(text: object) -> str:
    """What to write instead (the forms, or the likely one for a common abbreviation)."""
    if isinstance(text, str):
        stripped = text.strip()
        if re.fullmatch(r"p[1-9][0-9]*", stripped):
            return (
                f"write paragraph {stripped[1:]} for a paragraph or page {stripped[1:]} for a page"
            )
        for rx, form in _HUMAN:
            m = rx.match(stripped)
            if m:
                return "write " + form.format(*(g.lower() if g else g for g in m.groups()))
    return (
        "write page N, pages N-M, paragraph N, paragraphs N-M, line N, lines N-M, "
        "section S, folio Nr, folios Nr-Mv or time H:MM:SS"
    )
