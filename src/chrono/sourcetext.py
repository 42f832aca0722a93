"""A local copy of a source's text, cut the way locators count it.

- **lines**: the lines of the file (``line 5``);
- **paragraphs**: blocks separated by blank lines or page breaks; a text with neither has
  one paragraph per line (``paragraph 17``);
- **pages**: the parts between form feeds, as ``pdftotext`` writes them (``page 12``:
  the 12th page of the file; a page numbered in roman numerals is not counted).

Sections, folios and time offsets cannot be found in plain text: a quote with such a
locator is looked for in the whole text. The text is read with LF line endings (CRLF and
a lone CR are line breaks) and without a BOM.

>>> text = SourceText("First paragraph.\\r\\n\\r\\nSecond, on\\r\\ntwo lines.\\fPage two.")
>>> text.segment(parse("paragraph 2"))
'Second, on\\ntwo lines.'
>>> text.find("Page two.", "page")
'page 2'
"""

from __future__ import annotations

import re
from bisect import bisect_right

from chrono.model.locators import Locator, parse

__all__ = ["SourceText", "parse"]

_BLANK = re.compile(r"\n[ \t]*\n|\n?\f")
_NEWLINE = re.compile(r"\r\n?")


class SourceText:
    """A text and the offsets where its lines, paragraphs and pages start."""

    def __init__(self, text: str) -> None:
        self.text = _NEWLINE.sub("\n", text.removeprefix("\ufeff"))
        self._starts: dict[str, list[tuple[int, int]]] = {}

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
        elif _BLANK.search(text):
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

    def segment(self, locator: Locator) -> str | None:
        """The text a locator points at; None when the text has no such part."""
        numbers = locator.numbers
        if numbers is None:
            return None
        units = self._units(locator.kind)
        first, last = numbers
        if first < 1 or last > len(units):
            return None
        return self.text[units[first - 1][0] : units[last - 1][1]]

    def countable(self, locator: Locator) -> bool:
        """The locator is one this text can be cut by (numbered pages, paragraphs, lines)."""
        return locator.numbers is not None

    def find(self, quote: str, kind: str) -> str | None:
        """Where ``quote`` stands, counted in ``kind`` (``paragraph 5``); None when absent."""
        at = self.text.find(quote)
        if at < 0:
            return None
        if kind not in ("line", "paragraph", "page"):
            return "the text"
        units = self._units(kind)
        i = max(bisect_right([a for a, _ in units], at) - 1, 0)
        return f"{kind} {i + 1}"
