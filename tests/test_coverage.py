"""chrono coverage: counts and weak spots of a dataset, as text and markdown."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from chrono import build as builder
from chrono.cli import main
from chrono.coverage import ClaimRow, EventRow, coverage
from conftest import ROOT


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["coverage", *args])
    return r.exit_code, r.stdout, r.stderr


def rebuild(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    builder.write(root, builder.build(root))


MINI_TEXT = """\
mini 1.0.0: 3 events, 8 claims, 2 sources

Events by type and year
  type                 2019  2020  all
  state_visit                   1    1
  bilateral_meeting       1          1
  multilateral_summit           1    1
  all                     1     2    3

Sources per event
  sources  events
        1       2
        2       1

Events resting on a single source (2)
  event         date       type                 source
  meeting-2019  2019       bilateral_meeting    gazette-2020-05-01
  summit-2020   June 2020  multilateral_summit  ministry-2020-06

Date claims with no quote or note (0)
  none

Contradicting claims (1)
  event         property  value           source            note
  meeting-2020  type      official_visit  ministry-2020-06

Planned events (0)
  none
"""


def test_text_report_of_mini(mini_src: Path) -> None:
    assert run(str(mini_src)) == (0, MINI_TEXT, "")


def test_markdown_report_of_mini(mini_src: Path) -> None:
    code, out, err = run(str(mini_src), "--format", "markdown")
    assert (code, err) == (0, "")
    assert out == (
        "# Coverage of mini\n\n"
        "mini 1.0.0: 3 events, 8 claims, 2 sources.\n\n"
        "## Events by type and year\n\n"
        "| type | 2019 | 2020 | all |\n"
        "|---|---:|---:|---:|\n"
        "| state_visit |  | 1 | 1 |\n"
        "| bilateral_meeting | 1 |  | 1 |\n"
        "| multilateral_summit |  | 1 | 1 |\n"
        "| all | 1 | 2 | 3 |\n\n"
        "## Sources per event\n\n"
        "| sources | events |\n"
        "|---:|---:|\n"
        "| 1 | 2 |\n"
        "| 2 | 1 |\n\n"
        "## Events resting on a single source (2)\n\n"
        "| event | date | type | source |\n"
        "|---|---|---|---|\n"
        "| meeting-2019 | 2019 | bilateral_meeting | gazette-2020-05-01 |\n"
        "| summit-2020 | June 2020 | multilateral_summit | ministry-2020-06 |\n\n"
        "## Date claims with no quote or note (0)\n\n"
        "None.\n\n"
        "## Contradicting claims (1)\n\n"
        "| event | property | value | source | note |\n"
        "|---|---|---|---|---|\n"
        "| meeting-2020 | type | official_visit | ministry-2020-06 |  |\n\n"
        "## Planned events (0)\n\n"
        "None.\n"
    )


def test_weak_spots_are_listed(mini: Path) -> None:
    rebuild(mini, "events/meeting-2019.yaml", "status: confirmed", "status: planned")
    rebuild(mini, "events/meeting-2019.yaml", '    quote: "in 2019"\n', "")
    report = coverage(mini)
    assert report.planned == [
        EventRow(
            "meeting-2019",
            "Earlier meeting",
            "bilateral_meeting",
            "planned",
            "2019",
            ("gazette-2020-05-01",),
        )
    ]
    assert report.bare_dates == [
        ClaimRow(
            "meeting-2019/date/gazette-2020-05-01/paragraph-2",
            "meeting-2019",
            "gazette-2020-05-01",
            "date",
            "2019",
            None,
        )
    ]
    assert [r.id for r in report.single_source] == ["meeting-2019", "summit-2020"]
    assert report.by_year[2019]["bilateral_meeting"] == 1


def test_one_event_is_counted_in_the_singular(mini: Path, tmp_path: Path) -> None:
    for name in ("meeting-2019", "meeting-2020"):
        (mini / "events" / f"{name}.yaml").unlink()
    builder.write(mini, builder.build(mini))
    result = CliRunner().invoke(main, ["coverage", str(mini)])
    assert result.stdout.splitlines()[0] == "mini 1.0.0: 1 event, 2 claims, 2 sources"
    result = CliRunner().invoke(main, ["site", str(mini), "-o", str(tmp_path / "site")])
    assert result.stdout == f"wrote {tmp_path / 'site' / 'index.html'} (1 event)\n"


def test_declared_types_follow_the_core_in_the_order_declared(westphalia: Path) -> None:
    types = coverage(westphalia).types
    assert types == ["military_action", "peace_congress", "treaty", "battle", "assassination"]


def test_text_from_the_data_is_escaped(mini: Path) -> None:
    rebuild(mini, "events/meeting-2019.yaml", "status: confirmed", "status: planned")
    rebuild(mini, "events/meeting-2019.yaml", "title: Earlier meeting", 'title: "A | <b>\\tB"')
    code, out, _ = run(str(mini), "--format", "markdown")
    assert code == 0
    assert out.endswith(
        "## Planned events (1)\n\n| event | date | title |\n|---|---|---|\n"
        "| meeting-2019 | 2019 | A \\| \\<b\\>\\\\tB |\n"
    )
    code, out, _ = run(str(mini))
    assert out.endswith(
        "Planned events (1)\n  event         date  title\n  meeting-2019  2019  A | <b>\\tB\n"
    )


def test_unreadable_dataset_exits_3(tmp_path: Path) -> None:
    code, out, err = run(str(tmp_path / "nowhere"))
    assert (code, out) == (3, "")
    assert err == f"Error: {tmp_path / 'nowhere'}: no such dataset directory or datapackage.json\n"


def test_committed_coverage_report_is_current() -> None:
    """docs/coverage.md is the output of the command it names (regenerate it with that)."""
    code, out, err = run("russia-china-summits", "--format", "markdown")
    assert (code, err) == (0, "")
    committed = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert committed == out, (
        "stale: chrono coverage russia-china-summits --format markdown > docs/coverage.md"
    )


def test_an_event_with_no_known_start_is_not_counted_in_a_year(tmp_path: Path) -> None:
    """'/1850' has no first day: its bound is the extreme of the range, never a year
    ("5877641 BCE"); it is counted in a column of its own, first."""
    from views_data import write_ancient

    report = coverage(write_ancient(tmp_path / "ancient"))
    assert list(report.by_year) == [None, -120, -49, -43, 12, 1800, 1850, 2010, 2019, 2020,
                                    2023, 12345]  # fmt: skip
    assert report.by_year[None] == {"visit": 1}
    code, out, err = run(str(tmp_path / "ancient"), "-f", "markdown")
    assert (code, err) == (0, "")
    assert (
        "| type | no known start | 121 BCE | 50 BCE | 44 BCE | 12 | 1800 | 1850 | 2010 | 2019 "
        "| 2020 | 2023 | 12345 | all |\n"
    ) in out
    assert "| visit | 1 |  |  |  |  |  | 1 |  |  |  |  |  | 2 |\n" in out


def test_the_lists_hold_a_limited_number_of_rows(mini_src: Path) -> None:
    """A million bare date claims are not a million lines: the first --limit rows, the
    rest counted; the headings keep the whole counts, and --limit 0 lists every one."""
    code, out, err = run(str(mini_src), "--limit", "1")
    assert (code, err) == (0, "")
    assert (
        "Events resting on a single source (2)\n"
        "  event         date  type               source\n"
        "  meeting-2019  2019  bilateral_meeting  gazette-2020-05-01\n"
        "  … and 1 more (--limit 0 lists every one)\n"
    ) in out
    md = run(str(mini_src), "--limit", "1", "-f", "markdown")[1]
    assert "| meeting-2019 | 2019 | bilateral_meeting | gazette-2020-05-01 |\n\n… and 1 more" in md
    assert run(str(mini_src), "--limit", "0") == run(str(mini_src))
    assert run(str(mini_src), "--limit", "-1")[0] == 2
