"""Loading a curated dataset whose YAML changed since ``chrono build`` warns: the tables are
the data as last built (chrono.staleness)."""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import chrono
from chrono import staleness
from chrono.cli import main
from chrono.dataset import Dataset

LOADERS: dict[str, Callable[[Any], Any]] = {
    "load": lambda d: chrono.load("events", d),
    "load_arrow": lambda d: chrono.load_arrow("events", d),
    "load_dataset": lambda d: chrono.load_dataset(d),
    "events_between": lambda d: chrono.events_between("2019", "2021", d),
    "events_with_actor": lambda d: chrono.events_with_actor("leader-a", d),
    "provenance": lambda d: chrono.provenance("meeting-2020", d),
}


VIEWS: dict[str, Callable[[Any, Path], Any]] = {
    "plot": lambda d, out: chrono.plot(d, width=4).figure.clear(),
    "export csv": lambda d, out: chrono.export.to_csv(d, out / "csv"),
    "export ics": lambda d, out: chrono.export.export("ics", d, out / "events.ics"),
    "write_site": lambda d, out: chrono.write_site(d, out / "site"),
}


def retitle(mini: Path, new: str = "meet in Beta Town") -> None:
    event = mini / "events" / "meeting-2020.yaml"
    text = event.read_text()
    assert "title: Leaders A and B meet in Alpha City" in text
    event.write_text(text.replace("meet in Alpha City", new))


def message(label: object) -> str:
    return (
        f"{label}: its Parquet is stale (the YAML sources changed since chrono build): "
        "this is the data as last built (run: chrono build)"
    )


def titles(mini: Path) -> set[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", chrono.StaleParquetWarning)
        return set(chrono.load("events", mini)["title"])


@pytest.mark.parametrize("name", LOADERS)
def test_loading_a_fresh_dataset_does_not_warn(mini: Path, name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LOADERS[name](mini)


@pytest.mark.parametrize("name", LOADERS)
def test_loading_a_stale_dataset_warns_at_the_callers_line(mini: Path, name: str) -> None:
    retitle(mini)
    with pytest.warns(chrono.StaleParquetWarning) as caught:
        LOADERS[name](mini)
    assert [str(w.message) for w in caught] == [message(mini)]
    assert [Path(w.filename).name for w in caught] == ["test_staleness.py"]
    # the data as last built
    assert "Leaders A and B meet in Alpha City" in titles(mini)


def test_an_opened_dataset_is_named_by_its_folder(mini: Path) -> None:
    retitle(mini)
    with Dataset.open(mini) as ds, pytest.warns(chrono.StaleParquetWarning) as caught:
        chrono.load("claims", ds)
    assert [str(w.message) for w in caught] == [message(ds.root)]


def test_a_rebuild_ends_the_warning(mini: Path) -> None:
    retitle(mini)
    with pytest.warns(chrono.StaleParquetWarning):
        chrono.load("events", mini)
    assert CliRunner().invoke(main, ["build", str(mini)]).exit_code == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        events = chrono.load("events", mini)
    assert "Leaders A and B meet in Beta Town" in set(events["title"])


def test_the_sources_are_hashed_again_only_when_a_file_changed(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []
    real = staleness.curated_sha256

    def counted(root: Path) -> str:
        calls.append(root)
        return real(root)

    monkeypatch.setattr(staleness, "curated_sha256", counted)
    with Dataset.open(mini) as ds:
        assert [staleness.parquet_is_stale(ds) for _ in range(3)] == [False] * 3
        assert len(calls) == 1
        # the same size, another time: hashed again, and found changed
        retitle(mini, "meet in Gamma Town")
        event = mini / "events" / "meeting-2020.yaml"
        st = event.stat()
        os.utime(event, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert staleness.parquet_is_stale(ds) is True
        assert len(calls) == 2
        # a new event file: hashed again
        shutil.copy(event, mini / "events" / "copy.yaml")
        assert staleness.parquet_is_stale(ds) is True
        assert len(calls) == 3


def test_a_dataset_without_curated_sources_is_never_stale(mini: Path) -> None:
    (mini / "dataset.yaml").unlink()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(chrono.load("events", mini)) == 3


def test_sources_that_cannot_be_read_are_left_to_validate(mini: Path, tmp_path: Path) -> None:
    """An event file that is a symlink out of the dataset: loading neither reads it nor
    warns; validate refuses it."""
    outside = tmp_path / "outside.yaml"
    outside.write_text("id: x\n")
    (mini / "events" / "out.yaml").symlink_to(outside)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(chrono.load("events", mini)) == 3
    result = CliRunner().invoke(main, ["validate", str(mini)])
    assert (result.exit_code, result.stderr) == (
        3,
        f"Error: {mini}/events/out.yaml: resolves outside {mini} (a symlink may not leave it)\n",
    )


@pytest.mark.parametrize("name", VIEWS)
def test_a_view_of_a_stale_dataset_warns_at_the_callers_line(
    mini: Path, tmp_path: Path, name: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        VIEWS[name](mini, tmp_path)
    retitle(mini)
    (tmp_path / "stale").mkdir()
    with pytest.warns(chrono.StaleParquetWarning) as caught:
        VIEWS[name](mini, tmp_path / "stale")
    assert [str(w.message) for w in caught] == [message(mini.resolve())]
    assert [Path(w.filename).name for w in caught] == ["test_staleness.py"]


def test_the_cli_says_it_once_as_a_note(mini: Path, tmp_path: Path) -> None:
    retitle(mini)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Python's warning too would end the command
        result = CliRunner().invoke(main, ["export", "ics", str(mini), "-o", str(tmp_path / "x")])
    assert (result.exit_code, result.stderr) == (
        0,
        f"note: {mini}: its Parquet is stale (the YAML sources changed since chrono build): "
        "this is the data as last built\n",
    )
