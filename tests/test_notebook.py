"""A library a notebook user can discover: the provenance trail, reports and diffs as
DataFrames, notebook displays that escape the data, and the LaTeX table of a diff."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner

import chrono
from chrono.cli import main
from chrono.escape import latex as latex_escape
from chrono.package import DatasetError
from test_diff_helpers import Rows, edit, mutate

HOSTILE = '<img src=x onerror="alert(1)"> & {\\x} $5 50% #1 ~_^|'


# --------------------------------------------------------------------------- provenance


def test_provenance_joins_claims_with_their_sources(mini_src: Path) -> None:
    trail = chrono.provenance("meeting-2020", mini_src)
    assert trail[["property", "value", "source_id", "source_publisher", "stance"]].astype(
        "object"
    ).where(trail.notna(), None).values.tolist() == [
        ["occurrence", None, "gazette-2020-05-01", "Test Gazette", "supports"],
        ["date", "2020-06-02/2020-06-03", "gazette-2020-05-01", "Test Gazette", "supports"],
        ["date", "2020-06", "ministry-2020-06", "Test Ministry", "supports"],
        ["type", "official_visit", "ministry-2020-06", "Test Ministry", "contradicts"],
    ]
    claims = chrono.load("claims", mini_src)
    sources = chrono.load("sources", mini_src)
    assert list(trail.columns) == [
        *claims.columns,
        *(f"source_{c}" for c in sources.columns if c != "id"),
    ]
    assert str(trail["source_published_earliest"].dtype) == "datetime64[s]"
    assert trail["source_title"].isna().tolist() == [False, False, True, True]
    assert trail["precision"].cat.ordered


def test_provenance_has_the_dtypes_load_gives(westphalia: Path) -> None:
    """The dataset's own terms are categories of the trail as of chrono.load's frames (a
    concat of the two keeps the category), in the same order."""
    meta = westphalia / "dataset.yaml"
    meta.write_text(
        meta.read_text().replace(
            "  property:\n",
            "  property:\n    aardvarks: Aardvarks seen (text).\n",
        )
    )
    assert CliRunner().invoke(main, ["build", str(westphalia)]).exit_code == 0
    trail = chrono.provenance("battle-of-lutzen-1632", westphalia)
    claims = chrono.load("claims", westphalia)
    sources = chrono.load("sources", westphalia)
    assert trail["property"].dtype == claims["property"].dtype
    assert trail["source_kind"].dtype == sources["kind"].dtype
    assert isinstance(pd.concat([trail["property"], claims["property"]]).dtype, pd.CategoricalDtype)
    order = list(claims["property"].cat.categories)
    assert order[-2:] == ["aardvarks", "casualties"]  # declared: after the core
    ranks = [order.index(p) for p in trail["property"]]
    assert ranks == sorted(ranks)


def test_provenance_of_an_unknown_event(mini_src: Path) -> None:
    with pytest.raises(DatasetError) as caught:
        chrono.provenance("nope", mini_src)
    assert str(caught.value) == (
        "no event 'nope' in dataset mini (there are: meeting-2019, meeting-2020, summit-2020)"
    )
    with pytest.raises(DatasetError) as caught:
        chrono.provenance("meeting-2021", mini_src)
    assert str(caught.value) == (
        "no event 'meeting-2021' in dataset mini; did you mean 'meeting-2020', 'meeting-2019'?"
    )


def test_provenance_keeps_a_claim_whose_source_is_missing(tmp_path: Path, mini_src: Path) -> None:
    def drop_ministry(rows: Rows) -> None:
        rows["sources"] = [s for s in rows["sources"] if s["id"] != "ministry-2020-06"]

    broken = mutate(mini_src, tmp_path / "broken", drop_ministry)
    trail = chrono.provenance("summit-2020", broken)
    assert trail["source_id"].tolist() == ["ministry-2020-06", "ministry-2020-06"]
    assert trail["source_kind"].isna().all()


# --------------------------------------------------------------------------- validation


@pytest.fixture
def hostile_report(tmp_path: Path, mini_src: Path) -> chrono.validation.Report:
    def cite_nothing(rows: Rows) -> None:
        edit(rows, "claims", "meeting-2019/date/gazette-2020-05-01/paragraph-2", source_id=HOSTILE)

    return chrono.validate(mutate(mini_src, tmp_path / "bad", cite_nothing))


def test_report_to_pandas(hostile_report: Any) -> None:
    frame = hostile_report.to_pandas()
    assert re.search(r"bad/data/claims-[0-9a-f]{16}\.parquet$", frame["file"].iloc[0])  # cwd
    frame = frame.drop(columns="file")
    assert frame.astype("object").where(frame.notna(), None).values.tolist() == [
        [
            "CHR202",
            "error",
            "foreign key does not resolve",
            1,
            "claims",
            "meeting-2019/date/gazette-2020-05-01/paragraph-2",
            "source_id",
            HOSTILE,
            f"source_id {HOSTILE!r} is not an id in sources",
            None,
        ]
    ]
    assert str(frame["line"].dtype) == "Int64"


def test_report_displays_escape_the_data(hostile_report: Any) -> None:
    html = hostile_report._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=" in html
    assert html.splitlines()[1] == (
        '<p><strong style="color:#c00">mini</strong> '
        f"<code>{hostile_report.path}</code>: invalid: 1 error, 0 warnings</p>"
    )
    assert repr(hostile_report) == (
        f"<Report mini ({hostile_report.path}): invalid: 1 error, 0 warnings>"
    )
    assert hostile_report._repr_markdown_().startswith("## chrono validate\n\n### ❌ mini")


def test_a_finding_in_the_yaml_is_placed_once(mini: Path) -> None:
    """A finding of the curated YAML stands at its file, line and column, said once."""
    event = mini / "events" / "meeting-2019.yaml"
    event.write_text(event.read_text().replace("type: bilateral_meeting", "type: picnic"))
    html = chrono.validate(mini)._repr_html_()
    cells = re.findall(r"<td>[^<]*meeting-2019\.yaml[^<]*</td>", html)
    assert len(cells) == 1 and re.fullmatch(r"<td>\S*events/meeting-2019\.yaml:4:7</td>", cells[0])


def test_a_valid_report_displays(mini_src: Path) -> None:
    report = chrono.validate(mini_src)
    assert report.to_pandas().empty and list(report.to_pandas().columns)[:2] == ["code", "severity"]
    assert "<p>No findings.</p>" in report._repr_html_()


# --------------------------------------------------------------------------- diff


def _hostile_change(rows: Rows) -> None:
    edit(rows, "events", "summit-2020", title=HOSTILE, date="2020-06-01/2020-06-05")
    rows["places"].append({"id": "gamma-port", "name": "Gamma & Port"})


@pytest.fixture
def hostile_diff(tmp_path: Path, mini_src: Path) -> Any:
    old = mutate(mini_src, tmp_path / "old", lambda rows: None)
    new = mutate(mini_src, tmp_path / "new", _hostile_change)
    return chrono.diff(old, new, engine="arrow")


def test_diff_to_pandas(hostile_diff: Any) -> None:
    frame = hostile_diff.to_pandas()
    assert list(frame.columns) == [
        "table",
        "change",
        "key",
        "old_key",
        "column",
        "old",
        "new",
        "date_change",
    ]
    rows = frame.astype("object").where(frame.notna(), None).values.tolist()
    assert rows == [
        ["places", "added", "gamma-port", None, None, None, None, None],
        ["events", "changed", "summit-2020", None, "title", "Regional summit", HOSTILE, None],
        ["events", "changed", "summit-2020", None, "date", "2020-06", "2020-06-01/2020-06-05",
         "refined"],
        ["events", "changed", "summit-2020", None, "latest", "2020-06-30", "2020-06-05", None],
        ["events", "changed", "summit-2020", None, "precision", "month", "day", None],
    ]  # fmt: skip
    assert str(frame["key"].dtype) == "string"


def test_diff_displays_escape_the_data(hostile_diff: Any) -> None:
    html = hostile_diff._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<tr><td>places</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>" in html
    # markdown: data only inside code spans, where no markup is interpreted
    in_code = "`" + HOSTILE.replace("|", "\\|") + "`"
    assert f"| `summit-2020` | title | `Regional summit` | {in_code} |" in (
        hostile_diff._repr_markdown_().splitlines()
    )
    assert repr(hostile_diff).endswith("0 metadata changes, changed tables ['events', 'places']>")


def test_diff_to_pandas_keeps_values_as_they_are() -> None:
    """``old``/``new`` are objects whatever the changes: a number set to null is None beside
    the number (not NaN, not a float column one diff and an object column the next)."""
    places = chrono.load_arrow("places").slice(0, 3)
    at = places.schema.get_field_index("latitude")

    def with_latitudes(values: list[float | None]) -> Any:
        return places.set_column(at, "latitude", pa.array(values, pa.float64()))

    frame = chrono.diff(
        {"places": with_latitudes([55.75, 39.9, None])},
        {"places": with_latitudes([None, 40.0, 41.5])},
    ).to_pandas()
    assert [str(frame[c].dtype) for c in ("old", "new")] == ["object", "object"]
    assert frame[["key", "old", "new"]].values.tolist() == [
        ["astana", 55.75, None],
        ["bali", 39.9, 40.0],
        ["beijing", None, 41.5],
    ]


def test_a_diff_iterates_its_tables_and_each_shows_itself(hostile_diff: Any) -> None:
    """``for t in d``, ``"events" in d``, and a table's diff displayed as a summary (not a
    dump of its Arrow tables), with its report part as data."""
    assert [t.name for t in hostile_diff] == [t.name for t in hostile_diff.tables]
    assert "events" in hostile_diff and "nothing" not in hostile_diff
    events = hostile_diff["events"]
    assert repr(events) == (
        "<TableDiff events (key id): 0 added, 0 removed, 1 changed, 0 renamed, 0 schema_changes>"
    )
    assert events.to_dict() == hostile_diff.to_dict()["tables"][3]


def test_a_diff_display_says_what_it_leaves_out() -> None:
    """A notebook lists 20 changes of a kind: the rest is counted, as markdown counts it."""
    events = chrono.load_arrow("events")
    d = chrono.diff({"events": events.slice(0, 0)}, {"events": events})
    more = events.num_rows - 20
    assert f"<p><em>… and {more} more added in events (not listed)</em></p>" in d._repr_html_()
    assert f"_… and {more} more added (not listed)_" in d._repr_markdown_()


def test_an_empty_diff_displays(mini_src: Path) -> None:
    d = chrono.diff(mini_src, mini_src)
    assert d.to_pandas().empty
    assert "<p>No differences.</p>" in d._repr_html_()


# --------------------------------------------------------------------------- LaTeX


def test_latex_table_of_changes(tmp_path: Path, mini_src: Path) -> None:
    mutate(mini_src, tmp_path / "v1", lambda rows: None)

    def release(rows: Rows) -> None:
        _hostile_change(rows)
        rows["events"] = [e for e in rows["events"] if e["id"] != "meeting-2019"]
        rows["claims"] = [c for c in rows["claims"] if c["event_id"] != "meeting-2019"]
        rows["participants"] = [p for p in rows["participants"] if p["event_id"] != "meeting-2019"]

    mutate(mini_src, tmp_path / "v2", release)
    result = CliRunner().invoke(
        main, ["diff", str(tmp_path / "v1"), str(tmp_path / "v2"), "-f", "latex", "-t", "events"]
    )
    assert result.exit_code == 1
    old, new = latex_escape(str(tmp_path / "v1")), latex_escape(str(tmp_path / "v2"))
    escaped = (
        r'\textless{}img src=x onerror="alert(1)"\textgreater{} \& \{\textbackslash{}x\} '
        r"\$5 50\% \#1 \textasciitilde{}\_\textasciicircum{}\textbar{}"
    )
    assert result.stdout.splitlines() == [
        f"% chrono diff --format latex: {old} -> {new}",
        r"% needs \usepackage{booktabs} and \usepackage{longtable}",
        r"\begin{longtable}{@{}llp{0.55\linewidth}@{}}",
        rf"\caption{{Changes from \texttt{{{old}}} to \texttt{{{new}}}.}}\\",
        r"\toprule",
        r"Change & Record & Details \\",
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        r"Change & Record & Details \\",
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endfoot",
        r"\multicolumn{3}{@{}l}{\emph{events}} \\",
        r"removed & \texttt{meeting-2019} & 2019: Earlier meeting \\",
        rf"changed & \texttt{{summit-2020}} & title: Regional summit $\rightarrow$ {escaped} \\",
        r" &  & date: 2020-06 $\rightarrow$ 2020-06-01/2020-06-05 (refined) \\",
        r"\end{longtable}",
    ]


def test_latex_of_no_differences(mini_src: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(mini_src), str(mini_src), "-f", "latex"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-2:] == [
        r"\multicolumn{3}{@{}l}{No differences.} \\",
        r"\end{longtable}",
    ]


def test_frames_are_pandas(mini_src: Path) -> None:
    assert isinstance(chrono.provenance("summit-2020", mini_src), pd.DataFrame)
