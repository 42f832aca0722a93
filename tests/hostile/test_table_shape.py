"""Tables that are not the model's shape (a column missing, one holding something else, a
required value missing) are refused in one line naming the file and the column by
everything that reads them for people (show, coverage, the views, the loaders); validate
lists every problem. A column stored in another type that holds the same is read as the
model's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner

import chrono
from chrono.cli import main
from chrono.package import DatasetError
from conftest import MINI, table_file
from harness import copy_mini
from test_wrong_data import rewrite

EVERY = "(chrono validate lists every problem)"


def without(column: str) -> Callable[[pa.Table], pa.Table]:
    return lambda t: t.drop_columns([column])


def as_integers(column: str) -> Callable[[pa.Table], pa.Table]:
    def change(t: pa.Table) -> pa.Table:
        i = t.schema.get_field_index(column)
        return t.set_column(i, column, pa.array(range(t.num_rows)))

    return change


def one_null(column: str) -> Callable[[pa.Table], pa.Table]:
    def change(t: pa.Table) -> pa.Table:
        i = t.schema.get_field_index(column)
        values = t.column(column).to_pylist()
        values[0] = None
        typ = t.schema.field(column).type
        return t.set_column(i, pa.field(column, typ), pa.array(values, typ))

    return change


def commands(ds: Path, out: Path) -> list[list[str]]:
    return [
        ["show", "meeting-2020", "-d", str(ds)],
        ["coverage", str(ds)],
        ["export", "csv", str(ds), "-o", str(out / "csv")],
        ["export", "ics", str(ds), "-o", str(out / "x.ics")],
        ["site", str(ds), "-o", str(out / "site")],
    ]


@pytest.mark.parametrize(
    ("table", "change", "why"),
    [
        ("participants", without("role"), "the participants table has no column 'role'"),
        (
            "participants",
            as_integers("event_id"),
            "the participants table's column 'event_id' is int64, where the model holds text",
        ),
        (
            "sources",
            as_integers("title"),
            "the sources table's column 'title' is int64, where the model holds text",
        ),
    ],
    ids=["a column missing", "ids as integers", "titles as integers"],
)
def test_a_table_not_of_the_model_is_refused_in_one_line(
    tmp_path: Path, table: str, change: Callable[[pa.Table], pa.Table], why: str
) -> None:
    ds = copy_mini(tmp_path)
    (ds / "dataset.yaml").unlink()  # the tables alone, as another tool may write them
    rewrite(ds, table, change)
    message = f"Error: {table_file(ds, table)}: {why} {EVERY}\n"
    for args in commands(ds, tmp_path):
        if args[0] == "coverage":  # reads neither participants nor sources' titles
            assert CliRunner().invoke(main, args).exit_code == 0
            continue
        result = CliRunner().invoke(main, args)
        assert (result.exit_code, result.stdout, result.stderr) == (3, "", message), args
    with pytest.raises(DatasetError) as caught:
        chrono.load(table, ds)
    assert f"{caught.value}\n" == message.removeprefix("Error: ")
    assert CliRunner().invoke(main, ["validate", str(ds)]).exit_code == 1


def test_a_required_value_missing_stops_the_views_not_the_loaders(tmp_path: Path) -> None:
    ds = copy_mini(tmp_path)
    (ds / "dataset.yaml").unlink()
    rewrite(ds, "events", one_null("date"))
    message = (
        f"Error: {table_file(ds, 'events')}: the events table's column 'date' lacks 1 "
        f"required value {EVERY}\n"
    )
    for args in commands(ds, tmp_path)[1:]:  # show prints what there is
        result = CliRunner().invoke(main, args)
        assert (result.exit_code, result.stdout, result.stderr) == (3, "", message), args
    events = chrono.load("events", ds)  # to look at what is there
    assert int(events["date"].isna().sum()) == 1


def test_show_of_an_id_not_found_among_ids_some_missing(tmp_path: Path) -> None:
    """show prints what there is: an event without an id is no candidate for the ids a
    mistyped one may have meant."""
    ds = copy_mini(tmp_path)
    (ds / "dataset.yaml").unlink()
    rewrite(ds, "events", one_null("id"))
    first = chrono.load_arrow("events", ds)["id"].to_pylist()
    assert first[0] is None and "meeting-2020" in first
    result = CliRunner().invoke(main, ["show", "meeting-202", str(ds)])
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"Error: no event 'meeting-202' in {ds}; did you mean 'meeting-2020'?\n",
    )


def test_text_stored_as_large_text_or_plain_strings_reads_as_the_model(tmp_path: Path) -> None:
    """Another writer's types for the same content: large text, a vocabulary as plain text,
    a timestamp for a date."""
    ds = copy_mini(tmp_path)
    (ds / "dataset.yaml").unlink()

    def retyped(t: pa.Table) -> pa.Table:
        for name, typ in (("title", pa.large_string()), ("type", pa.string())):
            i = t.schema.get_field_index(name)
            t = t.set_column(i, pa.field(name, typ), t.column(name).cast(typ))
        i = t.schema.get_field_index("earliest")
        stamps = t.column("earliest").cast(pa.timestamp("s"))
        return t.set_column(i, pa.field("earliest", stamps.type), stamps)

    rewrite(ds, "events", retyped)
    arrow = chrono.load_arrow("events", ds)
    assert arrow.schema.equals(chrono.load_arrow("events", MINI).schema, check_metadata=False)
    pd.testing.assert_frame_equal(chrono.load("events", ds), chrono.load("events", MINI))
    result = CliRunner().invoke(main, ["export", "csv", str(ds), "-o", str(tmp_path / "csv")])
    assert (result.exit_code, result.stderr) == (0, "")
