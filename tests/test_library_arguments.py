"""A public function given the wrong kind of argument says what it takes, in its own terms,
instead of failing deep inside pandas, pyarrow or pathlib."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import chrono
from chrono.dataset import Dataset
from chrono.package import DatasetError

BUNDLED = "russia-china-summits"


def _events_frame() -> Any:
    return chrono.load("events")


CASES: list[tuple[str, Callable[[], Any], type, str]] = [
    (
        "actor as a list",
        lambda: chrono.events_with_actor(["xi-jinping"]),
        TypeError,
        "actor_id: ['xi-jinping'] is not an actor id (give one id as text)",
    ),
    (
        "actor None",
        lambda: chrono.events_with_actor(None),  # type: ignore[arg-type]
        TypeError,
        "actor_id: None is not an actor id (give one id as text)",
    ),
    (
        "role as a number",
        lambda: chrono.events_with_actor("xi-jinping", role=1),  # type: ignore[arg-type]
        TypeError,
        "role: 1 is not a role (give one term as text)",
    ),
    (
        "event id as a number",
        lambda: chrono.provenance(5),  # type: ignore[arg-type]
        TypeError,
        "event_id: 5 is not an event id (give one id as text)",
    ),
    (
        "dataset None",
        lambda: chrono.load("events", None),  # type: ignore[arg-type]
        TypeError,
        "None is not a dataset: give a bundled dataset's name, a dataset folder or its "
        "datapackage.json",
    ),
    (
        "to_pandas of a DataFrame",
        lambda: chrono.to_pandas("events", _events_frame()),
        TypeError,
        "to_pandas takes an Arrow table (chrono.load_arrow('events')), not DataFrame",
    ),
    (
        "to_pandas of an unknown table",
        lambda: chrono.to_pandas("event", chrono.load_arrow("events")),
        DatasetError,
        "no table 'event' (tables: places, actors, sources, events, participants, claims)",
    ),
    (
        "diff of DataFrames",
        lambda: chrono.diff({"events": _events_frame()}, BUNDLED),
        TypeError,
        "old: table 'events' is a DataFrame, not an Arrow table (chrono.load_arrow('events'))",
    ),
    (
        "diff of a number",
        lambda: chrono.diff(BUNDLED, 5),  # type: ignore[arg-type]
        TypeError,
        "new: int is not a dataset, a table or a revision",
    ),
    (
        "plot of a list",
        lambda: chrono.plot([1, 2]),
        TypeError,
        "events: list is not a DataFrame, an Arrow table or a dataset (chrono.load('events'), "
        "or a dataset's name or folder)",
    ),
    (
        "plot of a frame without its bounds",
        lambda: chrono.plot(_events_frame().drop(columns=["earliest", "latest"])),
        ValueError,
        "events: no column earliest, latest (a frame as chrono.load('events') gives it)",
    ),
    (
        "plot types of numbers",
        lambda: chrono.plot(BUNDLED, types=[1]),  # type: ignore[list-item]
        TypeError,
        "types: 1 is not a name (give names as text)",
    ),
]


@pytest.mark.parametrize(("_", "call", "error", "message"), CASES, ids=[c[0] for c in CASES])
def test_a_wrong_argument_is_named(
    _: str, call: Callable[[], Any], error: type, message: str
) -> None:
    pytest.importorskip("matplotlib")
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value) == message


def test_one_name_is_one_name_and_an_opened_dataset_is_a_dataset() -> None:
    """types="state_visit" is that type (not its letters); diff takes an opened Dataset, as
    its module says."""
    pytest.importorskip("matplotlib")
    one = chrono.plot(BUNDLED, types="state_visit", labels=True)
    listed = chrono.plot(BUNDLED, types=["state_visit"], labels=True)
    assert [t.get_text() for t in one.texts] == [t.get_text() for t in listed.texts] != []
    with Dataset.open(BUNDLED) as ds:
        assert chrono.diff(ds, BUNDLED).is_empty
