"""Every command on a dataset from another field (tests/data/westphalia): declared terms,
page locators, BCE dates, a parent event, fictional sources on example.org."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from click.testing import CliRunner

import chrono
from chrono import build as builder
from chrono.cli import main
from conftest import WESTPHALIA


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def digests(root: Path) -> dict[str, str]:
    files = [root / "datapackage.json", *sorted((root / "data").iterdir())]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_the_committed_build_is_fresh_and_reproducible(westphalia: Path) -> None:
    assert run("build", "--check", str(WESTPHALIA))[0] == 0
    before = digests(westphalia)
    builder.write(westphalia, builder.build(westphalia))
    assert digests(westphalia) == before


def test_validate_strict_with_its_sources(westphalia: Path) -> None:
    code, out, _ = run("validate", "--strict", "--sources", str(westphalia), str(westphalia))
    assert (code, out) == (0, f"westphalia ({westphalia}): valid: 0 errors, 0 warnings\n")


def test_list(westphalia: Path) -> None:
    assert run("list", str(westphalia)) == (
        0,
        "westphalia 0.1.0  Peace talks of the Thirty Years' War (test fixture)\n"
        "  places             4 rows\n"
        "  actors             5 rows\n"
        "  sources            3 rows\n"
        "  events             6 rows\n"
        "  participants      10 rows\n"
        "  claims            15 rows\n",
        "",
    )


def test_load_bce_and_early_modern_dates(westphalia: Path) -> None:
    arrow = chrono.load_arrow("events", westphalia)
    events = arrow.select(["id", "date", "precision", "parent_id"]).to_pydict()
    by_id = dict(
        zip(events["id"], zip(events["date"], events["precision"], strict=True), strict=True)
    )
    assert by_id["assassination-of-caesar"] == ("-0043-03-15", "day")
    assert by_id["caesar-crosses-rubicon"] == ("-0048", "year")
    assert by_id["peace-congress-1643"] == ("1643/1648", "year")
    parents = dict(zip(events["id"], events["parent_id"], strict=True))
    assert parents["treaty-of-munster-1648"] == "peace-congress-1643"
    days = arrow.column("earliest").cast("int32").to_pylist()
    from chrono.model.dates import format_day

    assert [format_day(d) for d in sorted(days)[:2]] == ["-0048-01-01", "-0043-03-15"]


def test_a_julian_date_claim_has_gregorian_bounds(westphalia: Path) -> None:
    import pyarrow.compute as pc

    claims = chrono.load_arrow("claims", westphalia)
    row = claims.filter(pc.equal(claims["id"], "treaty-of-munster-1648/date/example-letter-1648"))
    from chrono.model.dates import format_day

    assert row["value"].to_pylist() == ["1648-10-14"]
    assert row["calendar"].cast("string").to_pylist() == ["julian"]
    days = [row[c].cast("int32").to_pylist()[0] for c in ("earliest", "latest")]
    assert [format_day(d) for d in days] == ["1648-10-24", "1648-10-24"]


def test_an_open_interval_is_open_not_a_year(westphalia: Path) -> None:
    events = chrono.load_arrow("events", westphalia)
    import pyarrow.compute as pc

    from chrono.model.dates import MAX_DAY, human

    row = events.filter(pc.equal(events["id"], "swedish-garrison-1631"))
    assert row["latest"].cast("int32").to_pylist() == [MAX_DAY]
    assert human(row["date"].to_pylist()[0]) == "from 1631 (open)"


def test_info_cites_the_creators(westphalia: Path) -> None:
    code, out, _ = run("info", "-d", str(westphalia))
    assert code == 0
    assert out.splitlines()[-1] == (
        "  Example Research Group & Ada Example (2026). Peace talks of the Thirty Years' War "
        f"(test fixture) (version 0.1.0) [Data set]. Built with chrono-data {chrono.__version__}. "
        "https://example.org/westphalia-chronology"
    )


def test_show_an_event_with_its_page_locators(westphalia: Path) -> None:
    code, out, _ = run("show", "treaty-of-munster-1648", "-d", str(westphalia))
    assert code == 0
    assert (
        "    source  example-monograph-1999: Example University Press, 1999, The Congress "
        "of Envoys (a fictional monograph), page 1\n" in out
    )
    assert "  part of   The peace congress at Münster and Osnabrück (peace-congress-1643)\n" in out


def test_diff_between_two_versions(westphalia: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(westphalia, old)
    path = westphalia / "events" / "battle-of-lutzen-1632.yaml"
    path.write_text(
        path.read_text()
        .replace("date: 1632-11\n", "date: 1632-11-16\n")
        .replace("    value: 1632-11\n", "    value: 1632-11-16\n")
    )
    builder.write(westphalia, builder.build(westphalia))
    code, out, _ = run("diff", str(old), str(westphalia), "--table", "events")
    assert code == 1
    assert "battle-of-lutzen-1632" in out and "refined" in out


def test_show_gives_a_julian_date_in_both_calendars_and_bce_as_people_read_it(
    westphalia: Path,
) -> None:
    code, out, _ = run("show", "treaty-of-munster-1648", "-d", str(westphalia))
    assert code == 0
    assert (
        "  date = 14 October 1648 (Julian) = 24 October 1648 (1648-10-14)  [supports, reported]\n"
        in out
    )
    code, out, _ = run("show", "assassination-of-caesar", "-d", str(westphalia))
    assert (code, out.splitlines()[1]) == (0, "  date      15 March 44 BCE  (-0043-03-15)")
    code, out, _ = run("show", "swedish-garrison-1631", "-d", str(westphalia))
    assert out.splitlines()[1] == (
        "  date      from 1631 (open)  (1631/..: 1 January 1631 to .., year precision)"
    )


def test_diff_reads_a_bce_date_for_people(westphalia: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(westphalia, old)
    path = westphalia / "events" / "assassination-of-caesar.yaml"
    path.write_text(path.read_text().replace("-0043-03-15", "-0043-03"))
    builder.write(westphalia, builder.build(westphalia))
    code, out, _ = run("diff", str(old), str(westphalia), "--table", "events")
    assert code == 1
    assert out.splitlines()[2:] == [
        "events: 1 changed",
        "  ~ assassination-of-caesar",
        '      date: "-0043-03-15" (15 March 44 BCE) → "-0043-03" (March 44 BCE)  (coarsened)',
        '      earliest: "-0043-03-15" (15 March 44 BCE) → "-0043-03-01" (1 March 44 BCE)',
        '      latest: "-0043-03-15" (15 March 44 BCE) → "-0043-03-31" (31 March 44 BCE)',
        '      precision: "day" → "month"',
    ]
