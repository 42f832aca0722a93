"""Shared fixtures: the tiny fictional dataset and copies of it to mutate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini"
WESTPHALIA = ROOT / "tests" / "data" / "westphalia"
BUNDLED = ROOT / "datasets" / "russia-china-summits"
SHARED_SOURCES = ROOT.parent / "shared" / "sources"


def table_file(root: Path, table: str) -> Path:
    """Where a dataset's table is: its descriptor says (file names follow their bytes)."""
    from chrono.dataset import Dataset

    with Dataset.open(root) as ds:
        return ds.resource(table).file


@pytest.fixture
def mini_src() -> Path:
    """The committed mini dataset (do not modify it)."""
    return MINI


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A private, built copy of the mini dataset to mutate freely."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def westphalia(tmp_path: Path) -> Path:
    """A private, built copy of the fixture from another field (declared terms, BCE dates,
    page locators, a parent event) to mutate freely."""
    target = tmp_path / "westphalia"
    shutil.copytree(WESTPHALIA, target)
    return target


#: The far-dates dataset: the mini dataset with one event in 44 BCE and one that ends in the
#: year 10000, beside an ordinary one (meeting-2020, 2-3 June 2020).
FAR_DATES = {
    "meeting-2019": "-0043-03-15",  # 15 March 44 BCE
    "summit-2020": "9999-12/Y10000",  # December 9999 to the end of 10000
}


@pytest.fixture
def far_dates(tmp_path: Path) -> Path:
    """A built, valid copy of the mini dataset with a BCE event and a year-10000 event."""
    from chrono import build

    target = tmp_path / "far"
    shutil.copytree(MINI, target)

    def edit(event: str, *changes: tuple[str, str]) -> None:
        path = target / "events" / f"{event}.yaml"
        text = path.read_text()
        for old, new in changes:
            assert old in text, (event, old)  # the mini dataset changed: update the fixture
            text = text.replace(old, new)
        path.write_text(text)

    edit(
        "meeting-2019",
        ("date: 2019\n", "date: -0043-03-15\n"),
        ('value: "2019"', 'value: "-0043-03-15"'),
    )
    edit(
        "summit-2020",
        ("date: 2020-06\n", "date: 9999-12/Y10000\n"),
        ("value: 2020-06}", "value: 9999-12/Y10000, mode: announced}"),
        ("property: occurrence}", "property: occurrence, mode: announced}"),
    )
    edit("meeting-2020", ("parent: summit-2020\n", ""))
    build.write(target, build.build(target))
    return target
