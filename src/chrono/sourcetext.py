"""A local copy of a source's text, cut the way locators count it.

- **lines**: the lines of the file (``line 5``);
- **paragraphs**: blocks separated by blank lines or page breaks; a text with neither has
  one paragraph per line (``paragraph 17``);
- **pages**: the parts between form feeds, as ``pdftotext`` writes them (``page 12``:
  the 12th page of the file; a page numbered in roman numerals is not counted).

Sections, folios and time offsets cannot be found in plain text: a quote with such a
locator is looked for in the whole text. The text is read with LF line endings (CRLF and
a lone CR are line breaks), without a BOM, in Unicode NFC.

A quote is found where the same words and characters stand (in NFC), each run of white
space in it matching any run of white space in the text: how the text's layout wraps its
lines is not part of the quote. Within the part a locator names, so a quote is not found
across the blank line between two paragraphs when its locator names one of them. It
neither begins nor ends inside a word ('on March 2' is not in 'on March 22'); in scripts
written without spaces (Chinese, Japanese, Thai) any character may begin or end it.

>>> text = SourceText("First paragraph.\\r\\n\\r\\nSecond, on\\r\\ntwo lines.\\fPage two.")
>>> text.segment(parse("paragraph 2"))
'Second, on\\ntwo lines.'
>>> text.find("Page two.", "page")
'page 2'
>>> text.contains("on two lines", parse("paragraph 2")), text.find("on two", "line")
(True, 'lines 3-4')
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

from chrono.model.locators import KINDS, Locator, parse

__all__ = ["SourceText", "parse", "quote_pattern"]

_BLANK = re.compile(r"\n[ \t]*\n|\n?\f")
_NEWLINE = re.compile(r"\r\n?")


@lru_cache(maxsize=1024)
def quote_pattern(quote: str) -> re.Pattern[str] | None:
    """What finds ``quote`` in a text (NFC): its words, each run of white space between
    them matching any run of white space; None for a quote without words."""
    words = unicodedata.normalize("NFC", quote).split()
    return re.compile(r"\s+".join(map(re.escape, words))) if words else None


class SourceText:
    """A text and the offsets where its lines, paragraphs and pages start."""

    def __init__(self, text: str) -> None:
        text = _NEWLINE.sub("\n", text.removeprefix("\ufeff"))
        self.text = unicodedata.normalize("NFC", text)
        self._starts: dict[str, list[tuple[int, int]]] = {}
        self._firsts: dict[str, list[int]] = {}  # kind -> where each unit starts

    def _units(self, kind: str) -> list[tuple[int, int]]:
        """(start, end) offsets of each line, paragraph or page."""
        if kind in self._starts:
            return self._starts[kind]
        text = self.text
        spans: list[tuple[int, int]] = []
        if kind == "line":
            pos = 0
            for line in text.split("\n"):
                spans.append((pos, pos + len(line)))
                pos += len(line) + 1
        elif kind == "page":
            pos = 0
            for page in text.split("\f"):
                spans.append((pos, pos + len(page)))
                pos += len(page) + 1
        elif _BLANK.search(text.strip()):  # a separator at either end separates nothing
            pos = 0
            for m in _BLANK.finditer(text):
                spans.append((pos, m.start()))
                pos = m.end()
            spans.append((pos, len(text)))
            spans = [(a, b) for a, b in spans if text[a:b].strip()]
        else:
            spans = [s for s in self._units("line") if text[s[0] : s[1]].strip()]
        self._starts[kind] = spans
        return spans

    def span(self, locator: Locator) -> tuple[int, int] | None:
        """Where the part a locator points at starts and ends; None when the text has none."""
        numbers = locator.numbers
        if numbers is None:
            return None
        units = self._units(locator.kind)
        first, last = numbers
        if first < 1 or last > len(units):
            return None
        return units[first - 1][0], units[last - 1][1]

    def segment(self, locator: Locator) -> str | None:
        """The text a locator points at; None when the text has no such part."""
        span = self.span(locator)
        return None if span is None else self.text[span[0] : span[1]]

    def countable(self, locator: Locator) -> bool:
        """The locator is one this text can be cut by (numbered pages, paragraphs, lines)."""
        return locator.numbers is not None

    def contains(self, quote: str, locator: Locator) -> bool:
        """``quote`` stands in the part the locator points at (False when there is none)."""
        span = self.span(locator)
        if span is None:
            return False
        pattern = quote_pattern(quote)
        return pattern is None or _search(pattern, self.text, *span) is not None

    def find(self, quote: str, kind: str) -> str | None:
        """Where ``quote`` first stands, counted in ``kind`` (``paragraph 5``, or
        ``paragraphs 5-6`` across two); ``the text`` for another kind; None when absent."""
        pattern = quote_pattern(quote)
        found = _search(pattern, self.text, 0, len(self.text)) if pattern is not None else None
        if pattern is not None and found is None:
            return None
        if kind not in ("line", "paragraph", "page"):
            return "the text"
        if found is None:  # a quote without words
            return f"{kind} 1"
        first, last = self._unit_at(kind, found.start()), self._unit_at(kind, found.end() - 1)
        return f"{kind} {first}" if first == last else f"{KINDS[kind]} {first}-{last}"

    def _unit_at(self, kind: str, at: int) -> int:
        """The number of the line, paragraph or page holding the character at ``at``."""
        starts = self._firsts.get(kind)
        if starts is None:
            starts = self._firsts[kind] = [a for a, _ in self._units(kind)]
        return max(bisect_right(starts, at), 1)


#: Scripts written without spaces between words: a quote may begin or end inside a run of
#: their letters.
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN")


def _letter(ch: str) -> bool:
    """A letter or digit of a script that separates its words with spaces, or a mark
    combining with one (the two cannot be cut apart)."""
    if unicodedata.category(ch).startswith("M"):
        return True
    return (ch.isalnum() or ch == "_") and not unicodedata.name(ch, "").startswith(_UNSPACED)


def _cuts(before: str, after: str) -> bool:
    """The two characters are of one word: letters (or digits) of a spaced script, not a
    lower-case letter followed by a capital (where text extraction glues a heading to the
    sentence after it: 'in FocusLast month')."""
    glued = before.islower() and after.isupper()
    return _letter(before) and _letter(after) and not glued


def _search(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    """The first match of a quote's pattern between ``start`` and ``end`` that does not cut
    a word: 'on March 2' is not in 'on March 22', nor 'he will' in 'she will'."""
    pos = start
    while (m := pattern.search(text, pos, end)) is not None:
        a, b = m.start(), m.end()
        cut_before = a > 0 and _cuts(text[a - 1], text[a])
        cut_after = b < len(text) and _cuts(text[b - 1], text[b])
        if not cut_before and not cut_after:
            return m
        pos = a + 1
    return None
