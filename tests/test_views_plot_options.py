"""chrono plot's width and the characters its font cannot draw: usage errors and notes."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import chrono
from chrono.cli import main

USAGE = "Usage: main plot [OPTIONS] [DATASET]\n"  # then click's hint (its words vary)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- width


@pytest.mark.parametrize(
    ("width", "shown"),
    [("0", "0.0"), ("-3", "-3.0"), ("3.9", "3.9"), ("1000", "1000.0"), ("nan", "nan"),
     ("inf", "inf")],
)  # fmt: skip
def test_a_width_out_of_range_is_a_usage_error(width: str, shown: str, tmp_path: Path) -> None:
    out = tmp_path / "t.png"
    code, stdout, err = run("plot", "-o", str(out), "--width", width)
    assert (code, stdout) == (2, "") and err.startswith(USAGE)
    assert err.endswith(
        f"\n\nError: Invalid value for '--width': {shown} is not in the range 4<=x<=100.\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("width", ["4", "100"])
def test_the_width_s_bounds_are_allowed(width: str, tmp_path: Path) -> None:
    out = tmp_path / "t.svg"
    assert run("plot", "-o", str(out), "--width", width) == (0, f"wrote {out}\n", "")
    assert f'width="{float(width) * 72:g}pt"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("width", "message"),
    [(0, "width must be from 4 to 100 inches, not 0"),
     (-3.0, "width must be from 4 to 100 inches, not -3"),
     (1000, "width must be from 4 to 100 inches, not 1000"),
     (math.nan, "width must be from 4 to 100 inches, not nan"),
     ("10", "width must be a number of inches, not '10'")],
)  # fmt: skip
def test_plot_refuses_a_width_a_figure_cannot_have(width: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        chrono.plot("russia-china-summits", width=width)  # type: ignore[arg-type]
    assert str(caught.value) == message


# --------------------------------------------------------------------------- glyphs


@pytest.fixture
def bundled_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the fonts matplotlib ships (DejaVu, STIX, Computer Modern): the same on every
    machine, none with CJK ideographs."""
    import matplotlib
    from matplotlib.font_manager import fontManager

    shipped = str(Path(matplotlib.get_data_path(), "fonts"))
    ttflist = [f for f in fontManager.ttflist if f.fname.startswith(shipped)]
    monkeypatch.setattr(fontManager, "ttflist", ttflist)


def titled(tmp_path: Path, title: str) -> Path:
    """A built copy of the mini dataset, meeting-2019 titled ``title``."""
    import shutil

    from chrono import build
    from conftest import MINI

    data = tmp_path / "titled"
    shutil.copytree(MINI, data)
    event = data / "events" / "meeting-2019.yaml"
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("title: Earlier meeting", f"title: {title}"), encoding="utf-8")
    build.write(data, build.build(data))
    return data


def plot_quietly(*args: str) -> tuple[int, str, str, list[str]]:
    """The command's exit code, stdout, stderr, and every warning it raised (but a library's
    deprecation warnings: matplotlib 3.9 with a newer pyparsing warns of those)."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, out, err = run("plot", *args)
    ignored = (DeprecationWarning, PendingDeprecationWarning)
    return code, out, err, [str(w.message) for w in caught if not issubclass(w.category, ignored)]


@pytest.mark.usefixtures("bundled_fonts")
def test_characters_without_a_glyph_are_one_note(tmp_path: Path) -> None:
    data = titled(tmp_path, "会談 in Alpha 🦀")
    out = tmp_path / "t.png"
    assert plot_quietly(str(data), "-o", str(out)) == (
        0,
        f"wrote {out}; some characters (CJK, emoji) have no glyph in DejaVu Sans: install a "
        "font that has them\n",
        "",
        [],  # not matplotlib's warning per character and per drawing
    )
    assert out.stat().st_size > 0


@pytest.mark.usefixtures("bundled_fonts")
def test_an_installed_font_with_the_glyphs_is_the_fallback(tmp_path: Path) -> None:
    data = titled(tmp_path, "Meeting ℊ")  # U+210A: in STIXGeneral, not in DejaVu Sans
    out = tmp_path / "t.svg"
    assert plot_quietly(str(data), "-o", str(out)) == (0, f"wrote {out}\n", "", [])
    from chrono.views.fonts import lacking

    # the title's text names DejaVu Sans, then an installed font that has the character
    # (which one, and how the SVG writes the list, depend on matplotlib's version)
    svg = out.read_text(encoding="utf-8")
    style = re.search(r"<text style=\"([^\"]*)\"[^>]*> Meeting ℊ<", svg)
    assert style is not None
    families = re.findall(r"'([^']+)'", style.group(1))
    assert families[0] == "DejaVu Sans" and not lacking({"ℊ"}, [families[1]])


@pytest.mark.usefixtures("bundled_fonts")
def test_fonts_for_names_the_scripts_left_without_a_glyph() -> None:
    from chrono.views.fonts import fonts_for

    assert fonts_for(["Alpha", None, "Ωμέγα Москва"], "DejaVu Sans") == (["DejaVu Sans"], None)
    assert fonts_for(["ℊ 日本 🦀 नमस्ते ⛄"], "DejaVu Sans") == (
        ["DejaVu Sans", "STIXGeneral"],
        "some characters (CJK, emoji, Devanagari, symbols) have no glyph in DejaVu Sans or "
        "STIXGeneral: install a font that has them",
    )
