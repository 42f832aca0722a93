"""The timeline figure: true precision, open ends, BCE labels, lanes, filters, determinism."""

from __future__ import annotations

import datetime as dt
import random
import re
from itertools import combinations
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import chrono
from chrono.cli import main
from chrono.model.dates import MAX_DAY, MIN_DAY, MONTHS, civil_from_days, days_from_civil, parse
from chrono.model.periods import day_of
from chrono.views import lanes, timeline
from chrono.views.axis import tick_days, tick_labels
from conftest import ROOT
from views_data import write_ancient

matplotlib = pytest.importorskip("matplotlib")
BUNDLED = "russia-china-summits"
README_FIGURE = ROOT / "docs" / "timeline.svg"


@pytest.fixture(scope="module")
def ancient(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ancient(tmp_path_factory.mktemp("views") / "ancient")


def labels_of(ax: Any) -> list[str]:
    """Event labels (not arrows) drawn on the axes."""
    return sorted(t.get_text().strip() for t in ax.texts if t.get_text().strip())


def tick_texts(fig: Any) -> list[str]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()
    return [t.get_text() for t in fig.axes[0].get_xticklabels()]


def test_svg_is_the_same_bytes_every_time(ancient: Path, tmp_path: Path) -> None:
    for data in (BUNDLED, str(ancient)):
        outs = []
        for name in ("a.svg", "b.svg"):
            result = CliRunner().invoke(main, ["plot", data, "-o", str(tmp_path / name), "--force"])
            assert result.exit_code == 0, result.output
            outs.append((tmp_path / name).read_bytes())
        assert outs[0] == outs[1]
        assert b"<dc:date>" not in outs[0]


def test_text_from_the_data_stays_text_in_the_svg(ancient: Path, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    from views_data import HOSTILE_TITLE

    fig, _ = timeline.figure_for(ancient, lane="actor")
    timeline.save(fig, tmp_path / "a.svg")
    root = ET.parse(tmp_path / "a.svg").getroot()  # well-formed XML
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert " " + HOSTILE_TITLE in texts  # the label; "$1 or $" is not read as math
    assert "Marcus <Exemplar>" in texts  # a lane
    assert not list(root.iter("{http://www.w3.org/2000/svg}script"))


def test_readme_figure_is_current(tmp_path: Path) -> None:
    """docs/timeline.svg is made by `chrono plot -o docs/timeline.svg --force`."""
    committed = README_FIGURE.read_text(encoding="utf-8")
    made_with = re.search(r"Matplotlib v([0-9.]+)", committed)
    assert made_with is not None
    assert f"<dc:description>{timeline.describe(BUNDLED)}</dc:description>" in committed, (
        "the data changed: run chrono plot -o docs/timeline.svg --force"
    )
    if made_with.group(1) != matplotlib.__version__:
        pytest.skip(f"made with matplotlib {made_with.group(1)}, {matplotlib.__version__} here")
    result = CliRunner().invoke(main, ["plot", "-o", str(tmp_path / "t.svg")])
    assert result.exit_code == 0
    assert (tmp_path / "t.svg").read_text(encoding="utf-8") == committed, (
        "run: chrono plot -o docs/timeline.svg --force"
    )


def test_each_event_at_its_true_precision(ancient: Path) -> None:
    events = lanes.as_rows(_events(ancient), "events")
    lay = lanes.layout(lanes.lanes_of(events, "type", None, {}), xlim=None, width_px=800,
                       measure=None)  # fmt: skip
    kinds = {i.event["id"]: (i.kind, i.start, i.end, i.x0, i.x1) for i in lay.items}
    ides = days_from_civil(-43, 3, 15)
    assert kinds["ides-of-march"] == ("point", None, None, ides, ides + 1)
    assert kinds["plain-interval"][:3] == ("span", None, None)
    assert kinds["plain-interval"][4] - kinds["plain-interval"][3] == 3
    assert kinds["league-founded"][:3] == ("imprecise", None, None)
    assert kinds["harbour-rebuilt"][3:] == (
        days_from_civil(1850, 3, 1),
        days_from_civil(1850, 6, 1),
    )
    survey = parse("2019")
    assert kinds["ongoing-survey"] == (
        "imprecise",
        None,
        "open",
        survey.earliest,
        survey.latest + 1,
    )
    assert kinds["unknown-start"][:3] == ("imprecise", "unknown", None)
    # the axis spans the known bounds only: never year 5881579 or -5877640
    first, last = days_from_civil(-120, 1, 1), days_from_civil(12346, 1, 1)
    pad = (last - first) * 0.03
    assert lay.xlim == (first - pad, last + pad)


def _events(dataset: Path) -> pa.Table:
    from chrono.dataset import Dataset

    return Dataset.open(dataset).read_table("events")


def test_open_ends_are_arrows_to_the_edge(ancient: Path) -> None:
    fig, notes = timeline.figure_for(ancient)
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    assert lo > MIN_DAY and hi < MAX_DAY and notes == []
    arrows = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    ends = sorted((a.xy[0], a.arrow_patch.get_linestyle()) for a in arrows)
    assert [x for x, _ in ends] == [lo, hi]  # the unknown start to the left, the open end right
    assert ends[0][1] == ":" and ends[1][1] == "-"


def test_bce_years_read_as_people_read_them(ancient: Path) -> None:
    fig, _ = timeline.figure_for(ancient, period=("60 BCE", "30 CE"))
    assert tick_texts(fig) == ["60 BCE", "40 BCE", "20 BCE", "20 CE"]
    # the customs house's unknown start may fall in any year before 1850: it may overlap
    assert labels_of(fig.axes[0]) == [
        "Assembly dissolved", "Old customs house in use", "River treaty (?)", "The long war",
    ]  # fmt: skip
    fig, _ = timeline.figure_for(BUNDLED, period=("2022-09", "2023-03"))
    assert tick_texts(fig) == ["Sep 2022", "Oct 2022", "Nov 2022", "Dec 2022", "Jan 2023",
                               "Feb 2023", "Mar 2023", "Apr 2023"]  # fmt: skip


def test_a_period_may_be_open_at_one_end() -> None:
    """("2025", None) is 2025 and after; ("..", "2013") up to 2013: the given end is the
    axis's end, the open one fits the events."""
    events = lanes.as_rows(_events_arrow(), "events")
    start, end = day_of("2025", end=False), day_of("2013", end=True)
    assert start is not None and end is not None
    fig, _ = timeline.figure_for(BUNDLED, period=("2025", None), labels=True)
    ax = fig.axes[0]
    assert ax.get_xlim()[0] == start
    after = [e for e in events if e["latest"] >= start]
    assert labels_of(ax) == sorted(
        lanes.label_text(e["title"], e["uncertain"], e["approximate"]) for e in after
    )
    assert ax.get_xlim()[1] > max(e["latest"] for e in after)
    fig, _ = timeline.figure_for(BUNDLED, period=("..", "2013"), labels=True)
    ax = fig.axes[0]
    assert ax.get_xlim()[1] == end + 1
    before = [e for e in events if e["earliest"] <= end]
    assert labels_of(ax) == sorted(
        lanes.label_text(e["title"], e["uncertain"], e["approximate"]) for e in before
    )
    assert ax.get_xlim()[0] < min(e["earliest"] for e in before)
    # an end beyond every event: a year's axis from it, and no event
    fig, _ = timeline.figure_for(BUNDLED, period=("2100", None))
    assert fig.axes[0].get_xlim() == (
        day_of("2100", end=False),
        day_of("2100", end=False) + 366,
    )
    assert labels_of(fig.axes[0]) == []


@given(
    st.integers(min_value=-2_000_000, max_value=2_000_000),
    st.integers(min_value=1, max_value=3_000_000),
)
def test_ticks_are_whole_periods_inside_the_view(start: int, span: int) -> None:
    unit, days = tick_days(start, start + span)
    assert days == sorted(set(days)) and all(start <= d <= start + span for d in days)
    assert 1 <= len(days) <= 16 or unit == "day"
    for d in days:
        _, m, dd = civil_from_days(d)
        assert dd == 1 or unit == "day"
        assert m == 1 or unit != "year"
    labels = tick_labels(unit, days)
    if unit == "year":
        years = [civil_from_days(d)[0] for d in days]
        assert all(("BCE" in lab) == (y <= 0) for lab, y in zip(labels, years, strict=True))
    if unit == "month":
        assert all(lab.split()[0] in {m[:3] for m in MONTHS} for lab in labels)


def _synthetic(n: int, seed: int = 3) -> pa.Table:
    rng = random.Random(seed)
    rows = []
    types = ["visit", "bilateral_meeting", "phone_call", "announcement"]
    for i in range(n):
        y, m, d = rng.randint(1990, 2020), rng.randint(1, 12), rng.randint(1, 28)
        date = f"{y:04d}-{m:02d}" if i % 5 == 0 else f"{y:04d}-{m:02d}-{d:02d}"
        b = parse(date)
        title = f"Event number {i} of a long run"
        rows.append(
            {"id": f"e{i:04d}", "title": title, "type": types[i % 4], "date": date,
             "earliest": b.earliest, "latest": b.latest, "precision": b.precision,
             "uncertain": False, "approximate": False}
        )  # fmt: skip
    table = pa.Table.from_pylist(rows)
    for col in ("earliest", "latest"):
        table = table.set_column(
            table.schema.get_field_index(col), col, table[col].cast(pa.int32()).cast(pa.date32())
        )
    return table


def test_labels_never_overlap_with_a_few_hundred_events() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig, _ = timeline.figure_for(_synthetic(300), labels=True)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts if t.get_text().strip()]
    assert len(boxes) == 300
    clashes = [
        (a, b)
        for a, b in combinations(boxes, 2)
        if min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5
    ]
    assert clashes == []


def test_dataframes_use_the_same_day_numbers_as_arrow() -> None:
    events = chrono.load("events")
    arrow_rows = lanes.as_rows(_events_arrow(), "events")
    assert [r["earliest"] for r in lanes.as_rows(events, "events")] == [
        r["earliest"] for r in arrow_rows
    ]
    as_seconds = events.assign(
        earliest=events["earliest"].astype("datetime64[s]"),
        latest=events["latest"].astype("datetime64[s]"),
    )
    assert [r["latest"] for r in lanes.as_rows(as_seconds, "events")] == [
        r["latest"] for r in arrow_rows
    ]
    ax = chrono.plot(events, types=["state_visit"])
    assert labels_of(ax) == sorted(
        lanes.label_text(t, u, a)
        for t, ty, u, a in zip(
            events["title"], events["type"], events["uncertain"], events["approximate"], strict=True
        )
        if ty == "state_visit"
    )
    matplotlib.pyplot.close("all")


def _events_arrow() -> pa.Table:
    return chrono.load_arrow("events")


def test_lanes_and_filters() -> None:
    events = {e["id"]: e for e in lanes.as_rows(_events_arrow(), "events")}
    parts = lanes.as_rows(chrono.load_arrow("participants"), "participants")
    names = {a["id"]: a["name"] for a in lanes.as_rows(chrono.load_arrow("actors"), "actors")}
    with_modi = {p["event_id"] for p in parts if p["actor_id"] == "narendra-modi"}
    pairs = sorted({(p["event_id"], p["actor_id"]) for p in parts if p["event_id"] in with_modi})
    fig, _ = timeline.figure_for(BUNDLED, lane="actor", actors=["narendra-modi"])
    ax = fig.axes[0]
    assert labels_of(ax) == sorted(
        lanes.label_text(events[e]["title"], events[e]["uncertain"], events[e]["approximate"])
        for e, _ in pairs
    )
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == sorted(
        {timeline.lane_name(names[a]) for _, a in pairs}
    )
    fig, _ = timeline.figure_for(BUNDLED, lane="status", types=["video_call", "phone_call"])
    calls = [e for e in events.values() if e["type"] in ("video_call", "phone_call")]
    assert labels_of(fig.axes[0]) == sorted(
        lanes.label_text(e["title"], e["uncertain"], e["approximate"]) for e in calls
    )
    assert sorted(t.get_text() for t in fig.axes[0].get_yticklabels()) == sorted(
        {e["status"] for e in calls}
    )
    with pytest.raises(ValueError, match="lanes by actor need participants"):
        chrono.plot(chrono.load("events"), lane="actor")


def test_a_filter_no_event_matches_is_an_error_not_an_empty_figure() -> None:
    with pytest.raises(ValueError) as caught:
        timeline.figure_for(BUNDLED, types=["video_call", "videocall"])
    assert str(caught.value) == "no event has the type 'videocall'; did you mean 'video_call'?"
    with pytest.raises(ValueError) as caught:
        timeline.figure_for(BUNDLED, actors=["putin", "xi-jinpin"])
    assert str(caught.value) == (
        "no event has the actor 'putin', 'xi-jinpin'; did you mean 'vladimir-putin', 'xi-jinping'?"
    )
    with pytest.raises(ValueError) as caught:
        timeline.figure_for("tests/data/mini", types=["zzz"])
    assert str(caught.value) == (
        "no event has the type 'zzz' (there are: bilateral_meeting, multilateral_summit, "
        "state_visit)"
    )


def test_plot_returns_axes_for_notebooks() -> None:
    from matplotlib.axes import Axes

    ax = chrono.plot(BUNDLED)
    assert isinstance(ax, Axes) and len(labels_of(ax)) == len(chrono.load("events"))
    fig, own = matplotlib.pyplot.subplots(figsize=(6, 3))
    assert chrono.plot(BUNDLED, ax=own, labels=False) is own
    assert fig.get_size_inches().tolist() == [6.0, 3.0]  # a given figure is not resized
    matplotlib.pyplot.close("all")


def test_a_frame_s_dates_of_any_unit_or_zone_draw_at_the_same_days() -> None:
    """A frame saved with to_parquet comes back in milliseconds, or one converted to
    nanoseconds or given a time zone: each is drawn where the loaded frame is."""
    events = chrono.load("events")
    expected = timeline.figure_for(events)[0].axes[0].get_xlim()
    for unit in ("datetime64[ms]", "datetime64[ns]"):
        frame = events.assign(
            earliest=events["earliest"].astype(unit), latest=events["latest"].astype(unit)
        )
        assert timeline.figure_for(frame)[0].axes[0].get_xlim() == expected
    local = events.assign(
        earliest=events["earliest"].dt.tz_localize("Asia/Tokyo"),
        latest=events["latest"].dt.tz_localize("Asia/Tokyo"),
    )
    assert timeline.figure_for(local)[0].axes[0].get_xlim() == expected


def test_a_period_given_as_one_value_or_dates(tmp_path: Path) -> None:
    one = timeline.figure_for(BUNDLED, period="2022")[0].axes[0].get_xlim()
    assert one == (day_of("2022", end=False), day_of("2022", end=True) + 1)
    dates = (pd.Timestamp("2022-01-01"), dt.date(2022, 12, 31))
    assert timeline.figure_for(BUNDLED, period=dates)[0].axes[0].get_xlim() == one
    with pytest.raises(TypeError) as caught:
        timeline.figure_for(BUNDLED, period=(2019, 2023))
    assert str(caught.value).startswith("period start: 2019 (int) is not a date;")


def test_an_event_with_neither_end_known_is_one_note_however_many_lanes() -> None:
    """Bounds at both extremes of the range (a frame's missing bounds) draw nothing: said
    once per event, counted in words, though it stands in a lane per actor."""
    event = {"id": "lost", "title": "Lost", "type": "visit", "date": "2019",
             "earliest": MIN_DAY, "latest": MAX_DAY, "uncertain": False,
             "approximate": False}  # fmt: skip
    lay = lanes.layout([(event, "a"), (event, "b")], xlim=None, width_px=800, measure=None)
    assert lay.notes == ["1 event with neither end known not drawn"]
    assert lay.items == []


def test_a_timeline_taller_than_a_page_is_refused() -> None:
    """1,000 events on one day need 1,000 rows: a figure no viewer opens; said so, with
    what narrows it. Drawn into an axes of the caller's own, it is the caller's size."""
    events = chrono.load("events").head(1)
    many = pd.concat([events] * 1000, ignore_index=True)
    many["id"] = [f"e{i}" for i in range(1000)]
    with pytest.raises(ValueError) as caught:
        timeline.figure_for(many, labels=False)
    assert str(caught.value) == (
        "the timeline needs 1,000 rows (221 inches tall; at most 200): narrow it to a "
        "period, types or actors (--from/--to, --type, --actor), or draw into an axes of "
        "your own (plot(..., ax=ax))"
    )
    import matplotlib.figure

    ax = matplotlib.figure.Figure().add_subplot()
    assert chrono.plot(many, ax=ax, labels=False) is ax
