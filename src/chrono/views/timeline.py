"""The timeline figure: ``chrono.plot(events)`` returns a matplotlib ``Axes``.

Each event is drawn at its true precision (docs/views.md shows the legend):

- a day: a point; days known to the day (``2023-03-20/2023-03-22``): a solid bar;
- a month, season, year, decade, century or an interval of those: a light bar with a solid
  edge across everything the date may denote ("somewhere in here");
- uncertain (``?``): a dashed edge and ``(?)`` after the label; approximate (``~``): a
  dotted edge and ``c.`` before it;
- an open end (``2019/..``): a line with an open arrow to the edge of the axis; an unknown
  end (``/2019``): the same, dotted. Never a bar to year 5881579.

The x axis is in day numbers (days since 1970-01-01, exact for any year) with a locator
and formatter that label years as people read them (``44 BCE``). :func:`save` writes PNG,
SVG or PDF; SVG output is byte-for-byte deterministic (fixed hash salt, no date, text as
SVG text in DejaVu Sans, the font matplotlib bundles and measures labels with).
"""

from __future__ import annotations

import numbers
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono.model.periods import DateLike, period_days
from chrono.views import fonts
from chrono.views.axis import day_label, tick_days, tick_labels
from chrono.views.deps import require
from chrono.views.lanes import Item, Layout, as_rows, is_dataset_ref, lanes_of, layout, select
from chrono.views.records import Record, rows

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FONT = "DejaVu Sans"
LABEL_SIZE = 7.0
ROW_INCHES = 0.22
FORMATS = ("png", "svg", "pdf")
#: rcParams under which every figure is drawn and saved (deterministic SVG).
RC: dict[str, Any] = {
    "svg.hashsalt": "chrono",
    "svg.fonttype": "none",  # text stays text: small, searchable, diffable
    "font.family": [FONT, "sans-serif"],
    "font.sans-serif": [FONT, "Arial", "Helvetica"],
    "font.size": 8.0,
    "axes.unicode_minus": False,
    "path.simplify": False,
}
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
           "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")  # fmt: skip
AUTO_LABELS = 500  # label every event up to this many
#: A figure's width in inches, inclusive: narrower leaves the axis no room beside the lane
#: names; wider makes a PNG over 10,000 pixels wide.
WIDTH = (4.0, 100.0)


def check_width(width: float) -> float:
    """``width`` if a figure can be that many inches wide (:data:`WIDTH`), else ValueError."""
    if isinstance(width, bool) or not isinstance(width, numbers.Real):
        raise ValueError(f"width must be a number of inches, not {width!r}")
    if not WIDTH[0] <= width <= WIDTH[1]:  # NaN too
        raise ValueError(f"width must be from {WIDTH[0]:g} to {WIDTH[1]:g} inches, not {width:g}")
    return float(width)


def _ticks(mpl: Any) -> tuple[Any, Any]:
    ticker = mpl.ticker

    class DayLocator(ticker.Locator):  # type: ignore[misc,name-defined]
        """Ticks on whole years, months or days of the view (any year)."""

        unit = "year"

        def __call__(self) -> list[int]:
            vmin, vmax = self.axis.get_view_interval()
            return self.tick_values(vmin, vmax)

        def tick_values(self, vmin: float, vmax: float) -> list[int]:
            self.unit, days = tick_days(min(vmin, vmax), max(vmin, vmax))
            return days

    class DayFormatter(ticker.Formatter):  # type: ignore[misc,name-defined]
        """``44 BCE``, ``Mar 2023``, ``20 Mar``; a single position as a whole day."""

        def __init__(self, locator: DayLocator) -> None:
            self.locator = locator

        def format_ticks(self, values: list[float]) -> list[str]:
            return tick_labels(self.locator.unit, [round(v) for v in values])

        def __call__(self, x: float, pos: int | None = None) -> str:
            return day_label(x)

    locator = DayLocator()
    return locator, DayFormatter(locator)


def _inputs(
    data: Any, participants: Any, lane: str
) -> tuple[list[Record], list[Record] | None, dict[str, str], str | None]:
    """(events, participants, display names of actors and places, title)."""
    if is_dataset_ref(data):
        from chrono.dataset import opened
        from chrono.views.data import read_tables

        with opened(data) as ds:
            tables = read_tables(ds)
        names = {r["id"]: r["name"] for r in rows(tables["actors"])}
        names.update({r["id"]: r["name"] for r in rows(tables["places"])})
        title = ds.descriptor.get("title")
        return rows(tables["events"]), rows(tables["participants"]), names, title
    parts = None if participants is None else as_rows(participants, "participants")
    return as_rows(data, "events"), parts, {}, None


def _style(item: Item) -> tuple[str, str]:
    """(fill, edge line style) of a bar."""
    e = item.event
    line = "--" if e["uncertain"] else (":" if e["approximate"] else "-")
    return ("light" if item.kind == "imprecise" else "solid"), line


def _draw(ax: Any, mpl: Any, lay: Layout, labels: bool) -> None:
    colour = {name: COLOURS[i % len(COLOURS)] for i, (name, _, _) in enumerate(lay.lanes)}
    bars: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    points: dict[tuple[str, bool], list[tuple[float, float]]] = defaultdict(list)
    lo, hi = lay.xlim
    for it in lay.items:
        y = it.row + 0.5
        c = colour[it.lane]
        if it.start or it.end:
            for side, kind in (("start", it.start), ("end", it.end)):
                if kind is None:
                    continue
                x_from = it.x0 if side == "start" else it.x1
                x_to = lo if side == "start" else hi
                ax.annotate(
                    "", xy=(x_to, y), xytext=(x_from, y),
                    arrowprops={"arrowstyle": "->", "color": c, "lw": 1.2,
                                "linestyle": "-" if kind == "open" else ":"},
                )  # fmt: skip
        if it.kind == "point" and not (it.start or it.end):
            points[(c, bool(it.event["uncertain"] or it.event["approximate"]))].append(
                (it.x0 + 0.5, y)
            )
        else:
            fill, line = _style(it)
            bars[(c, fill, line)].append(
                [(it.x0, y - 0.3), (it.x1, y - 0.3), (it.x1, y + 0.3), (it.x0, y + 0.3)]
            )
    for (c, fill, line), verts in sorted(bars.items()):
        ax.add_collection(
            mpl.collections.PolyCollection(
                verts,
                facecolors=c,
                alpha=None,
                edgecolors=c,
                linestyles=line,
                linewidths=0.8,
            )
        )
        if fill == "light":
            ax.collections[-1].set_facecolor(mpl.colors.to_rgba(c, 0.25))
    for (c, hollow), xy in sorted(points.items()):
        xs, ys = zip(*xy, strict=True)
        ax.plot(xs, ys, linestyle="none", marker="o", markersize=4.5, color=c,
                markerfacecolor="white" if hollow else c)  # fmt: skip
    if labels:
        for it in lay.items:
            if not it.label:
                continue
            if it.label_left:
                ax.text(it.x0, it.row + 0.5, it.label + " ", va="center", ha="right",
                        fontsize=LABEL_SIZE, clip_on=True, parse_math=False)  # fmt: skip
            else:
                ax.text(it.x1, it.row + 0.5, " " + it.label, va="center", ha="left",
                        fontsize=LABEL_SIZE, clip_on=True, parse_math=False)  # fmt: skip


def plot(
    data: Any,
    *,
    lane: str = "type",
    period: tuple[DateLike | None, DateLike | None] | str | None = None,
    types: Iterable[str] | None = None,
    actors: Iterable[str] | None = None,
    participants: Any = None,
    labels: bool | None = None,
    title: str | None = None,
    ax: Axes | None = None,
    width: float = 10.0,
) -> Axes:
    """Draw events on a timeline and return the matplotlib ``Axes``.

    ``data`` is an events DataFrame (``chrono.load("events")``), an Arrow table of events,
    or a dataset (a bundled name, a directory or a :class:`~chrono.dataset.Dataset`).
    ``lane`` groups events into lanes: ``"type"``, ``"actor"`` (an event appears in the
    lane of each of its actors), ``"place"``, or any column. ``period`` is a (start, end)
    pair, each EDTF, a year as people write it (``("44 BCE", "10 CE")``), a date or a
    Timestamp, or one EDTF value (``"2019/2023"``; :mod:`chrono.model.periods`): events that
    may overlap it are drawn, and the axis spans it; an end that is None (or ``".."``) is
    open: ``("2022", None)`` is 2022 and after. ``types`` and ``actors`` keep events of
    those types or with those actors (actor ids). Actors need participants: pass a
    dataset, or ``participants=chrono.load("participants")``. ``labels`` (default: when at
    most 500 events) writes each event's title beside it without overlaps. Without
    ``ax``, a new figure ``width`` inches wide (4 to 100) is made, as tall as the rows need.

    >>> import chrono
    >>> ax = chrono.plot("russia-china-summits", period=("2022", "2023"))
    >>> type(ax).__name__
    'Axes'
    >>> ax.figure.savefig(__import__("io").BytesIO(), format="svg")   # or a file name
    """
    options = {"lane": lane, "period": period, "types": types, "actors": actors,
               "participants": participants, "labels": labels, "title": title}  # fmt: skip
    width = check_width(width)
    if ax is not None:
        return _plot(data, ax, own=False, **options)[0]
    mpl = require("matplotlib")
    import matplotlib.pyplot as plt

    with mpl.rc_context(RC):
        fig = plt.figure(figsize=(width, 2.0))
        new = fig.add_axes((0.16, 0.1, 0.8, 0.8))
    return _plot(data, new, own=True, **options)[0]


def _plot(
    data: Any,
    ax: Axes,
    *,
    own: bool,
    lane: str,
    period: tuple[DateLike | None, DateLike | None] | str | None,
    types: Iterable[str] | None,
    actors: Iterable[str] | None,
    participants: Any,
    labels: bool | None,
    title: str | None,
) -> tuple[Axes, list[str]]:
    """Draw into ``ax`` (resizing its figure when ``own``); the axes and the notes."""
    mpl = require("matplotlib")
    import matplotlib.collections
    import matplotlib.colors
    import matplotlib.ticker  # noqa: F401

    span = None if period is None else period_days(period)
    events, parts, names, data_title = _inputs(data, participants, lane)
    events = select(events, parts, period=span, types=types, actors=actors)
    pairs = lanes_of(events, lane, parts, names)
    if labels is None:
        labels = len(pairs) <= AUTO_LABELS
    title = title if title is not None else data_title
    families, note = fonts.fonts_for(
        [*(e["title"] for e in events), *(n for _, n in pairs), title], FONT
    )
    with mpl.rc_context({**RC, "font.family": [*families, "sans-serif"]}):
        fig: Any = ax.figure
        if own:
            _fit_width(fig, ax, [name for _, name in pairs])
        box = ax.get_position()
        width_px = box.width * fig.get_figwidth() * fig.dpi
        measure = fonts.measure(fig.dpi, LABEL_SIZE) if labels else None
        xlim = None
        if span:
            xlim = (
                None if span[0] is None else float(span[0]),
                None if span[1] is None else float(span[1] + 1),
            )
        lay = layout(pairs, xlim=xlim, width_px=width_px, measure=measure)
        if own:
            _fit_height(fig, ax, lay.rows)
        _draw(ax, mpl, lay, bool(labels))
        _decorate(ax, lay, title)
        fonts.use(ax, families)
    return ax, lay.notes + ([note] if note else [])


def lane_name(name: str, limit: int = 32) -> str:
    """A lane's name as shown: words, not snake_case; long names cut with an ellipsis."""
    text = name.replace("_", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fit_width(fig: Any, ax: Any, lanes: list[str]) -> None:
    """A figure made here leaves room on the left for the longest lane name."""
    measure = fonts.measure(fig.dpi, float(RC["font.size"]))
    widest = max((measure(lane_name(n)) for n in set(lanes)), default=0.0)
    total = fig.get_figwidth() * fig.dpi
    left = min(0.45, (widest + 14) / total)
    box = ax.get_position()
    ax.set_position((left, box.y0, 0.985 - left, box.height))


#: The tallest figure made here, in inches: a PDF page holds 200 (14,400 points), and a
#: taller PNG is one image viewers refuse to open.
MAX_INCHES = 200.0


def _fit_height(fig: Any, ax: Any, rows: float) -> None:
    """A figure made here grows to the rows: fixed margins in inches, ROW_INCHES a row; a
    ValueError when that is taller than :data:`MAX_INCHES` (no one reads such a timeline)."""
    top, bottom = 0.45, 0.75  # title; axis labels and legend
    height = max(rows, 1) * ROW_INCHES + top + bottom
    if height > MAX_INCHES:
        raise ValueError(
            f"the timeline needs {rows:,.0f} rows ({height:,.0f} inches tall; at most "
            f"{MAX_INCHES:.0f}): narrow it to a period, types or actors (--from/--to, --type, "
            "--actor), or draw into an axes of your own (plot(..., ax=ax))"
        )
    fig.set_figheight(height)
    box = ax.get_position()
    ax.set_position((box.x0, bottom / height, box.width, 1 - (top + bottom) / height))


def _decorate(ax: Any, lay: Layout, title: str | None) -> None:
    locator, formatter = _ticks(__import__("matplotlib"))
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)
    ax.set_xlim(*lay.xlim)
    ax.set_ylim(max(lay.rows, 1), 0)
    ax.set_yticks([first + n / 2 for _, first, n in lay.lanes])
    # text from the data is text: no mathtext ("$1 or $2" is no formula)
    ax.set_yticklabels([lane_name(name) for name, _, _ in lay.lanes], parse_math=False)
    ax.tick_params(axis="y", length=0)
    for _, first, _ in lay.lanes[1:]:
        ax.axhline(first, color="#cccccc", linewidth=0.6)
    ax.grid(axis="x", color="#eeeeee", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, loc="left", fontsize=10, parse_math=False)
    _legend(ax)


def _legend(ax: Any) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    grey = "#555555"
    handles = [
        Line2D([], [], linestyle="none", marker="o", color=grey, markersize=4.5),
        Patch(facecolor=grey, edgecolor=grey),
        Patch(facecolor=(0.33, 0.33, 0.33, 0.25), edgecolor=grey),
        Patch(facecolor="white", edgecolor=grey, linestyle="--"),
        Patch(facecolor="white", edgecolor=grey, linestyle=":"),
        Line2D([0, 1], [0, 0], color=grey, marker=">", markerfacecolor="white", markevery=[1]),
    ]
    labels = ["a day", "days known", "somewhere within", "uncertain (?)",
              "approximate (c.)", "open / unknown end"]  # fmt: skip
    ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.005, 0.0), ncol=6,
              bbox_transform=ax.figure.transFigure, frameon=False, fontsize=7,
              handlelength=1.6)  # fmt: skip


def figure_for(data: Any, **options: Any) -> tuple[Any, list[str]]:
    """A new ``Figure`` (no pyplot state) with the timeline drawn, and notes on what was
    left out (events with no known end, characters with no glyph); options as :func:`plot`."""
    mpl = require("matplotlib")
    from matplotlib.figure import Figure

    width = check_width(options.pop("width", 10.0))
    with mpl.rc_context(RC):
        fig = Figure(figsize=(width, 2.0), dpi=100)
        ax = fig.add_axes((0.16, 0.1, 0.8, 0.8))
    defaults = {"lane": "type", "period": None, "types": None, "actors": None,
                "participants": None, "labels": None, "title": None}  # fmt: skip
    with fonts.quiet_missing_glyphs():  # said once, in the notes
        _, notes = _plot(data, ax, own=True, **{**defaults, **options})
    return fig, notes


def describe(dataset: Any) -> str:
    """What a figure was drawn from, for its metadata: the dataset, version, events hash."""
    from chrono.dataset import opened

    with opened(dataset) as ds:
        digest = ds.resource("events").spec.get("hash", "unknown")
        return f"chrono plot of {ds.name} {ds.version or ''} (events {digest})".replace("  ", " ")


def save(
    fig: Any, path: str | Path, *, force: bool = False, description: str | None = None
) -> Path:
    """Write a figure as PNG, SVG or PDF (by suffix), atomically; SVG is deterministic.

    ``description`` goes into the file's metadata (SVG ``dc:description``, PNG and PDF too).
    """
    mpl = require("matplotlib")
    from chrono.safeio import UnusableOutput, output_file

    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UnusableOutput(f"{path}: the file name must end in .png, .svg or .pdf")
    meta: dict[str, Any] = {"png": {"Software": None}, "svg": {"Date": None},
                            "pdf": {"CreationDate": None, "ModDate": None}}[fmt]  # fmt: skip
    if description:
        meta["Subject" if fmt == "pdf" else "Description"] = description
    with mpl.rc_context(RC), fonts.quiet_missing_glyphs(), output_file(path, force=force) as fh:
        fig.savefig(fh, format=fmt, metadata=meta)
    return Path(path)
