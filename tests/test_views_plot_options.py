"""chrono plot's width and the characters its font cannot draw: usage errors and notes."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

import chrono
from chrono.cli import main

USAGE = "Usage: main plot [OPTIONS] [DATASET]\nTry 'main plot --help' for help.\n\n"


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
    assert run("plot", "-o", str(out), "--width", width) == (
        2, "", f"{USAGE}Error: Invalid value for '--width': {shown} is not in the range "
        "4<=x<=100.\n",
    )  # fmt: skip
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
