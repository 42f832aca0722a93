"""A figure's fonts: text widths, installed fonts to fall back on, and a note on the
characters none of them can draw.

The figure's text is in DejaVu Sans (:data:`chrono.views.timeline.FONT`), which has no CJK
ideographs and few emoji. When a title, lane or label needs characters it lacks,
:func:`fallback_fonts` looks for installed fonts that have them (Noto Sans CJK, say), for
matplotlib to fall back on (its ``font.family`` list); :func:`missing_note` says once,
in words, which characters are still left without a glyph, where matplotlib would warn
once per character and draw boxes.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

#: Fonts whose glyphs are placeholders for every character: never a fallback.
PLACEHOLDER_FONTS = ("Last Resort",)
#: matplotlib's warning for a character no font of the text has.
MISSING_WARNING = r"Glyph \d+ .*missing from font"
_CJK = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "FULLWIDTH",
        "HALFWIDTH", "KANGXI")  # fmt: skip


@cache
def _charmap(path: str) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    try:
        return frozenset(FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):  # a font file FreeType cannot read
        return frozenset()


def _path_of(family: str) -> str:
    from matplotlib.font_manager import FontProperties, findfont

    return str(findfont(FontProperties(family=family), fallback_to_default=False))


def needed(texts: Iterable[str | None]) -> set[str]:
    """The characters of ``texts`` that a font must draw (not spaces or controls)."""
    return {
        c for t in texts if t for c in t if not c.isspace() and unicodedata.category(c)[0] != "C"
    }


def lacking(chars: set[str], families: Iterable[str]) -> set[str]:
    """The characters of ``chars`` none of ``families`` has a glyph for."""
    left = set(chars)
    for family in families:
        if left:
            charmap = _charmap(_path_of(family))
            left = {c for c in left if ord(c) not in charmap}
    return left


def fallback_fonts(chars: set[str], font: str) -> list[str]:
    """Installed font families (regular faces) that have the characters ``font`` lacks,
    most useful first; none when ``font`` has them all (the usual case: nothing is read)."""
    from matplotlib.font_manager import fontManager

    left = lacking(chars, [font])
    if not left:
        return []
    faces = sorted(
        {
            (f.name, f.fname)
            for f in fontManager.ttflist
            if f.style == "normal" and f.weight in (400, "normal", "regular")
            and f.name != font and not f.name.startswith(PLACEHOLDER_FONTS)
        }
    )  # fmt: skip
    chosen: list[str] = []
    while left:
        best = max(faces, key=lambda f: len({c for c in left if ord(c) in _charmap(f[1])}),
                   default=None)  # fmt: skip
        if best is None or not any(ord(c) in _charmap(best[1]) for c in left):
            break
        chosen.append(best[0])
        left = {c for c in left if ord(c) not in _charmap(best[1])}
        faces = [f for f in faces if f[0] != best[0]]
    return chosen


def script(char: str) -> str:
    """What a reader calls the writing a character belongs to: ``CJK``, ``emoji``,
    ``Devanagari``, ``Thai`` (the first word of its Unicode name), or its code point."""
    name = unicodedata.name(char, "")
    if name.startswith(_CJK):
        return "CJK"
    if unicodedata.category(char) == "So":
        return "emoji" if ord(char) >= 0x1F000 else "symbols"
    return name.split(" ")[0].capitalize() if name else f"U+{ord(char):04X}"


def missing_note(chars: set[str], families: list[str]) -> str | None:
    """One note on the characters that have no glyph in ``families``, or None."""
    if not chars:
        return None
    scripts = sorted({script(c) for c in chars}, key=lambda s: (s not in ("CJK", "emoji"), s))
    return (
        f"some characters ({', '.join(scripts)}) have no glyph in {' or '.join(families)}: "
        "install a font that has them"
    )


def fonts_for(texts: Iterable[str | None], font: str) -> tuple[list[str], str | None]:
    """The font families to draw ``texts`` with (``font``, then installed fonts having the
    characters it lacks: an installed CJK font, say), and the note on characters none has."""
    chars = needed(texts)
    fonts = [font, *fallback_fonts(chars, font)]
    return fonts, missing_note(lacking(chars, fonts), fonts)


def measure(dpi: float, size: float) -> Callable[[str], float]:
    """A function giving the width in pixels of a text drawn at ``size`` points."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(size=size)  # rcParams' font.family: FONT and its fallbacks
    engine = TextToPath()

    def width(text: str) -> float:
        w, _, _ = engine.get_text_width_height_descent(" " + text, prop, ismath=False)
        return float(w) * dpi / 72.0

    return width


def use(ax: Any, families: list[str]) -> None:
    """Every text of ``ax`` drawn in ``families`` when there are fallbacks (the title and
    tick labels were made with the axes, before the fallbacks were known)."""
    if len(families) > 1:
        from matplotlib.text import Text

        for text in ax.findobj(Text):
            text.set_fontfamily([*families, "sans-serif"])


@contextmanager
def quiet_missing_glyphs() -> Iterator[None]:
    """matplotlib's warning per missing character silenced (the note says it once)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=MISSING_WARNING, category=UserWarning)
        yield
