"""What the exports say in words: a claim's calendar, text iCalendar and Excel cannot hold,
and the notes on events a format leaves out."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from chrono.cli import main
from conftest import MINI


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def edited(target: Path, event: str, *changes: tuple[str, str]) -> Path:
    """A built copy of the mini dataset with ``changes`` made to one event's file."""
    from chrono import build

    if not target.exists():
        shutil.copytree(MINI, target)
    path = target / "events" / f"{event}.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, (event, old)  # the mini dataset changed: update the fixture
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    build.write(target, build.build(target))
    return target


@pytest.fixture
def julian(tmp_path: Path) -> Path:
    """meeting-2019 on 11 March 1600, its date claim given as 1 March 1600 (Julian)."""
    return edited(
        tmp_path / "julian",
        "meeting-2019",
        ("date: 2019\n", "date: 1600-03-11\n"),
        ('value: "2019"', "value: 1600-03-01\n    calendar: julian"),
    )


# --------------------------------------------------------------------------- calendars


def test_ics_names_a_claims_julian_calendar(julian: Path, tmp_path: Path) -> None:
    import icalendar

    out = tmp_path / "out.ics"
    assert run("export", "ics", str(julian), "-o", str(out)) == (
        0, f"wrote {out}: ics, 3 events\n", "",
    )  # fmt: skip
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    [event] = [ev for ev in cal.walk("VEVENT") if str(ev["uid"]).endswith(":meeting-2019")]
    assert str(event["description"]) == (
        "When: 11 March 1600 (EDTF 1600-03-11, precision day)\n"
        "The leaders met the year before.\n"
        "\n"
        "Claims:\n"
        "- date = 1600-03-01 (Julian) = 11 March 1600 (supports, reported, certain): "
        "Leaders to meet, Test Gazette, 2020-05-01, paragraph 2\n"
        "  “in 2019”\n"
        "- occurrence (supports, reported, certain): "
        "Leaders to meet, Test Gazette, 2020-05-01, paragraph 2"
    )


def test_timelinejs_names_a_claims_julian_calendar(julian: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert run("export", "timelinejs", str(julian), "-o", str(out)) == (
        0, f"wrote {out}: timelinejs, 3 events\n", "",
    )  # fmt: skip
    slides = {s["unique_id"]: s for s in json.loads(out.read_text(encoding="utf-8"))["events"]}
    assert slides["meeting-2019"]["text"]["text"] == (
        "<p>The leaders met the year before.</p><p>EDTF: <code>1600-03-11</code></p><ul>"
        "<li>date = 1600-03-01 (Julian) = 11 March 1600 (supports): "
        "Leaders to meet, paragraph 2 “in 2019”</li>"
        "<li>occurrence (supports): Leaders to meet, paragraph 2</li></ul>"
    )
    # a Gregorian date claim is written as it is stated
    assert "<li>date = 2020-06 (supports): " in slides["summit-2020"]["text"]["text"]


def test_sqlite_event_claims_has_the_value_calendar(julian: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.db"
    code, _, err = run("export", "sqlite", str(julian), "-o", str(out))
    assert (code, err) == (0, "")
    con = sqlite3.connect(out)
    try:
        got = con.execute(
            "SELECT claim_id, property, value, value_calendar FROM event_claims "
            "WHERE event_id = 'meeting-2019' ORDER BY claim_id"
        ).fetchall()
        columns = [d[0] for d in con.execute("SELECT * FROM contradicting_claims").description]
    finally:
        con.close()
    assert got == [
        ("meeting-2019/date/gazette-2020-05-01/paragraph-2", "date", "1600-03-01", "julian"),
        ("meeting-2019/occurrence/gazette-2020-05-01/paragraph-2", "occurrence", None, None),
    ]
    assert columns[columns.index("value") + 1] == "value_calendar"  # as in CSV and Excel


# --------------------------------------------------------------------------- control characters

#: BEL, ESC (a terminal colour), VT and DEL in a summary, beside a tab.
CONTROLS = "Bell\a, \x1b[31mred\x1b[0m, tab\tand vt\v and DEL\x7f end"


@pytest.fixture
def controls(tmp_path: Path) -> Path:
    yaml_text = 'summary: "Bell\\a, \\e[31mred\\e[0m, tab\\tand vt\\v and DEL\\x7f end"\n'
    return edited(
        tmp_path / "controls",
        "meeting-2019",
        ("summary: The leaders met the year before.\n", yaml_text),
    )


def test_xlsx_refuses_a_control_character_in_one_line(controls: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    from chrono.dataset import Dataset
    from chrono.views.data import read_tables

    with Dataset.open(controls) as ds:
        summaries = read_tables(ds)["events"].column("summary").to_pylist()
    assert CONTROLS in summaries
    row = summaries.index(CONTROLS) + 1
    out = tmp_path / "out.xlsx"
    # a process of its own: openpyxl's abandoned sheets printed their tracebacks at exit
    done = subprocess.run(
        [sys.executable, "-c", "from chrono.cli import main; main()",
         "export", "xlsx", str(controls), "-o", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", f"Error: events row {row}, summary: the text has a control character for an "
        "Excel cell\n",
    )  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["controls"]  # no partial file


def test_ics_drops_the_control_characters_rfc5545_forbids(controls: Path, tmp_path: Path) -> None:
    import icalendar

    out = tmp_path / "out.ics"
    assert run("export", "ics", str(controls), "-o", str(out)) == (
        0, f"wrote {out}: ics, 3 events\n", "",
    )  # fmt: skip
    raw = out.read_bytes()
    # RFC 5545 3.3.11: no CONTROL (%x00-08 / %x0A-1F / %x7F) but the CRLF that ends a line
    assert [c for c in raw.replace(b"\r\n", b"") if (c < 0x20 and c != 0x09) or c == 0x7F] == []
    cal = icalendar.Calendar.from_ical(raw)
    [event] = [ev for ev in cal.walk("VEVENT") if str(ev["uid"]).endswith(":meeting-2019")]
    assert str(event["description"]).splitlines()[1] == "Bell, [31mred[0m, tab\tand vt and DEL end"


def test_xlsx_refuses_a_control_character_in_the_title(tmp_path: Path) -> None:
    data = tmp_path / "titled"
    shutil.copytree(MINI, data)
    descriptor = data / "dataset.yaml"
    text = descriptor.read_text(encoding="utf-8")
    descriptor.write_text(
        "\n".join('title: "A\\a title"' if x.startswith("title:") else x for x in text.split("\n")),
        encoding="utf-8",
    )
    edited(data, "meeting-2019")  # built
    out = tmp_path / "out.xlsx"
    assert run("export", "xlsx", str(data), "-o", str(out)) == (
        2, "", "Error: about, title: the text has a control character for an Excel cell\n",
    )  # fmt: skip
    assert not out.exists()


def test_xlsx_refuses_a_sheet_over_the_rows_before_writing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from chrono.views.export import excel

    monkeypatch.setattr(excel, "MAX_ROWS", 4)  # the header and 3 rows: participants have 5
    out = tmp_path / "out.xlsx"
    assert run("export", "xlsx", str(MINI), "-o", str(out)) == (
        2, "", "Error: participants: 5 rows; an Excel sheet holds at most 3 (use csv or sqlite)\n",
    )  # fmt: skip
    assert not out.exists()


# --------------------------------------------------------------------------- left out


def test_ics_counts_what_it_leaves_out_and_keeps_an_unknown_end(tmp_path: Path) -> None:
    import icalendar

    data = edited(
        tmp_path / "ends",
        "meeting-2019",
        ("date: 2019\n", "date: -0043-03-15\n"),
        ('value: "2019"', 'value: "-0043-03-15"'),
    )
    edited(
        data,
        "summit-2020",
        ("date: 2020-06\n", "date: 2020-06/\n"),
        ("value: 2020-06}", "value: 2020-06/}"),
    )
    out = tmp_path / "out.ics"
    assert run("export", "ics", str(data), "-o", str(out)) == (
        0,
        f"wrote {out}: ics, 2 events; 1 event outside iCalendar's years 1-9999 left out "
        "(listed in X-CHRONO-OMITTED)\n",
        "",
    )
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert str(cal["x-chrono-omitted"]) == "meeting-2019 -0043-03-15"
    events = {str(ev["uid"]).rsplit(":", 1)[1]: ev for ev in cal.walk("VEVENT")}
    summit = events["summit-2020"]  # an unknown end, a known start: kept, at its start
    assert str(summit["summary"]) == "Regional summit (begins June 2020, unknown end)"
    assert (summit["dtstart"].dt.isoformat(), summit["dtend"].dt.isoformat()) == (
        "2020-06-01", "2020-07-01",
    )  # fmt: skip


def test_ics_cannot_place_an_event_with_neither_end_known() -> None:
    from chrono.model.dates import MAX_DAY, MIN_DAY
    from chrono.views.export.ics import span

    event = {"date": "2019", "earliest": MIN_DAY, "latest": MAX_DAY, "precision": "year"}
    assert span({**event, "start": "unknown", "end": "unknown"}) is None
    assert span({**event, "date": "2019/", "start": None, "end": "unknown"}) is not None
