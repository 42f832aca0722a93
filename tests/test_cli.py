"""Whole-output tests of the core commands, and the CLI's promises."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from chrono import __version__
from chrono.cli import main
from conftest import MINI, ROOT


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list(mini_src: Path) -> None:
    assert invoke("list", str(mini_src)) == (
        0,
        "mini 1.0.0  Mini test chronology\n"
        "  places             2 rows\n"
        "  actors             3 rows\n"
        "  sources            2 rows\n"
        "  events             3 rows\n"
        "  participants       5 rows\n"
        "  claims             8 rows\n",
        "",
    )


def test_info(mini_src: Path) -> None:
    desc = json.loads((mini_src / "datapackage.json").read_text())
    sums = "".join(
        f"  {r['hash']}  {r['path']}  ({r['bytes']} bytes, {r['rows']} rows)\n"
        for r in desc["resources"]
    )
    assert invoke("info", "-d", str(mini_src)) == (
        0,
        f"chrono-data {__version__}\n"
        "dataset     mini 1.0.0\n"
        "title       Mini test chronology\n"
        "license     CC0-1.0\n"
        f"location    {mini_src}\n"
        f"curated     sha256:{desc['chrono']['curated_sha256']}\n"
        "checksums (of the files as they are now)\n"
        + sums
        + "cite as (chrono cite --format bibtex|cff for the others)\n"
        "  Mini test chronology (n.d.) (version 1.0.0) [Data set]. "
        f"Built with chrono-data {__version__}.\n",
        "",
    )


def test_info_gives_the_checksums_of_the_files_as_they_are(mini_src: Path, tmp_path: Path) -> None:
    """A file changed since the build is not cited by the checksum its descriptor records:
    its own is printed, and the mismatch is an error (exit 3)."""
    ds = tmp_path / "mini"
    shutil.copytree(mini_src, ds)
    events = next((ds / "data").glob("events-*.parquet"))
    events.write_bytes(b"garbage\n")
    recorded = next(
        r["hash"]
        for r in json.loads((ds / "datapackage.json").read_text())["resources"]
        if r["name"] == "events"
    )
    actual = "sha256:" + hashlib.sha256(b"garbage\n").hexdigest()
    code, out, err = invoke("info", str(ds))
    assert code == 3
    assert f"  {actual}  data/{events.name}  (8 bytes, 3 rows)\n" in out
    assert out.endswith(f"Built with chrono-data {__version__}.\n")
    assert err == (
        f"Error: {events}: sha256 mismatch: datapackage.json records {recorded}, "
        f"the file is {actual}\n"
    )
    events.unlink()
    code, out, err = invoke("info", str(ds))
    assert code == 3
    assert f"  {'?':71}  data/{events.name}  (cannot be read)\n" in out
    assert err.startswith(f"Error: {events}: ")


def test_show_and_info_take_the_dataset_as_coverage_and_cite_do(mini_src: Path) -> None:
    """DATASET as an argument, or -d as before; both, naming two datasets, is a usage
    error."""
    info = invoke("info", "-d", str(mini_src))
    assert info[0] == 0
    assert invoke("info", str(mini_src)) == info
    assert invoke("info", str(mini_src), "-d", str(mini_src)) == info
    show = invoke("show", "meeting-2020", "-d", str(mini_src))
    assert show[0] == 0
    assert invoke("show", "meeting-2020", str(mini_src)) == show
    assert invoke("info", str(mini_src), "-d", "russia-china-summits") == (
        2,
        "",
        f"Error: two datasets named: '{mini_src}' and -d 'russia-china-summits'; name one\n",
    )
    assert invoke("show", "x", "russia-china-summits", "-d", str(mini_src))[0] == 2
    assert invoke("info")[1].splitlines()[1].startswith("dataset     russia-china-summits ")


def test_show_prints_the_provenance_trail(mini_src: Path) -> None:
    assert invoke("show", "meeting-2020", "-d", str(mini_src)) == (
        0,
        "meeting-2020: Leaders A and B meet in Alpha City\n"
        "  date      2 June 2020 – 3 June 2020  (2020-06-02/2020-06-03, day precision)\n"
        "  type      state_visit\n"
        "  status    confirmed\n"
        "  place     Alpha City (alpha-city)\n"
        "  part of   Regional summit (summit-2020)\n"
        "  summary   The two leaders held talks.\n"
        "participants\n"
        "  Leader A (leader-a): host\n"
        "  Leader B (leader-b): guest\n"
        "claims (4)\n"
        "  occurrence  [supports, announced]\n"
        "    source  gazette-2020-05-01: Test Gazette, 1 May 2020, Leaders to meet, paragraph 1\n"
        "  date = 2 June 2020 – 3 June 2020 (2020-06-02/2020-06-03)  [supports, announced]\n"
        "    source  gazette-2020-05-01: Test Gazette, 1 May 2020, Leaders to meet, paragraph 1\n"
        '    quote   "from June 2 to June 3"\n'
        "  date = June 2020 (2020-06)  [supports, reported]\n"
        "    source  ministry-2020-06: Test Ministry, June 2020, (title unknown)\n"
        "    note    The ministry gives only the month.\n"
        "  type = official_visit  [contradicts, reported]\n"
        "    source  ministry-2020-06: Test Ministry, June 2020, (title unknown)\n",
        "",
    )


def test_show_lists_children_of_a_parent(mini_src: Path) -> None:
    code, out, _ = invoke("show", "summit-2020", "-d", str(mini_src))
    assert code == 0
    assert out.splitlines()[1:6] == [
        "  date      June 2020  (2020-06: 1 June 2020 to 30 June 2020, month precision)",
        "  type      multilateral_summit",
        "  status    confirmed",
        "  place     Alpha City (alpha-city)",
        "  includes  Leaders A and B meet in Alpha City (meeting-2020)",
    ]


def test_show_dates_of_any_year(far_dates: Path) -> None:
    code, out, err = invoke("show", "meeting-2019", "-d", str(far_dates))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[1] == "  date      15 March 44 BCE  (-0043-03-15)"
    assert "  date = 15 March 44 BCE (-0043-03-15)  [supports, reported]" in lines
    code, out, err = invoke("show", "summit-2020", "-d", str(far_dates))
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == (
        "  date      December 9999 – 10000  (9999-12/Y10000: 1 December 9999 to "
        "31 December 10000, year precision)"
    )


def test_what_reads_the_parquet_says_when_it_is_stale(mini: Path, tmp_path: Path) -> None:
    event = mini / "events" / "meeting-2020.yaml"
    text = event.read_text()
    assert "title: Leaders A and B meet in Alpha City" in text
    event.write_text(text.replace("meet in Alpha City", "meet in Beta Town"))
    note = (
        f"note: {mini}: its Parquet is stale (the YAML sources changed since chrono build): "
        "this is the data as last built\n"
    )
    code, out, err = invoke("show", "meeting-2020", "-d", str(mini))
    assert (code, out.splitlines()[0], err) == (
        0,
        "meeting-2020: Leaders A and B meet in Alpha City",
        note,
    )
    written = tmp_path / "export"
    code, out, err = invoke("export", "csv", str(mini), "-o", str(written))
    assert (code, err) == (0, note)
    assert "meet in Alpha City" in (written / "events.csv").read_text()
    code, out, err = invoke("coverage", str(mini))
    assert (code, err) == (0, note)
    assert out.startswith("mini 1.0.0: 3 events, 8 claims, 2 sources\n")
    code, out, err = invoke("cite", str(mini))
    assert (code, err) == (0, note)
    code, out, err = invoke("info", "-d", str(mini))
    assert (code, err) == (0, note)
    assert invoke("build", str(mini))[0] == 0
    code, out, err = invoke("show", "meeting-2020", "-d", str(mini))
    assert (code, out.splitlines()[0], err) == (
        0,
        "meeting-2020: Leaders A and B meet in Beta Town",
        "",
    )
    for args in (["coverage", str(mini)], ["cite", str(mini)], ["info", "-d", str(mini)]):
        code, out, err = invoke(*args)
        assert (code, err) == (0, "")


def test_show_unknown_event(mini_src: Path) -> None:
    """An id not found: the ids it may have meant (holding it, or close to it)."""
    assert invoke("show", "nope", "-d", str(mini_src)) == (
        1,
        "",
        f"Error: no event 'nope' in {mini_src} (3 events)\n",
    )
    assert invoke("show", "meeting-2021", str(mini_src))[2] == (
        f"Error: no event 'meeting-2021' in {mini_src}; did you mean 'meeting-2020', "
        "'meeting-2019'?\n"
    )
    assert invoke("show", "SUMMIT", str(mini_src))[2] == (
        f"Error: no event 'SUMMIT' in {mini_src}; did you mean 'summit-2020'?\n"
    )
    assert invoke("show", "2", "-d", "russia-china-summits")[2] == (
        "Error: no event '2' in russia-china-summits; 79 ids hold '2': 'apec-summit-bali-2013', "
        "'belt-and-road-forum-2017', 'belt-and-road-forum-2019', ...\n"
    )


def test_unreadable_dataset_is_exit_3(tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_bytes(b"\xff\xfe not utf-8")
    assert invoke("list", str(tmp_path)) == (
        3,
        "",
        f"Error: {tmp_path}/datapackage.json: not UTF-8 (byte 0)\n",
    )
    assert invoke("info", "-d", str(tmp_path / "missing")) == (
        3,
        "",
        f"Error: {tmp_path}/missing: no such dataset directory or datapackage.json\n",
    )


def test_version() -> None:
    assert invoke("--version") == (0, f"chrono, version {__version__}\n", "")


def test_help_does_not_import_pandas_or_pyarrow() -> None:
    code = (
        "import sys\n"
        "from chrono.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('pandas', 'pyarrow', 'pandera') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("HEAVY []")


def test_python_m_chrono_is_the_command() -> None:
    """Where the ``chrono`` script is not on the PATH: the same command, named chrono."""
    out = subprocess.run(
        [sys.executable, "-m", "chrono", "rules"], capture_output=True, text=True, timeout=60
    )
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout == invoke("rules")[1]
    usage = subprocess.run(
        [sys.executable, "-m", "chrono", "nope"], capture_output=True, text=True, timeout=60
    )
    assert usage.returncode == 2 and usage.stderr.startswith("Usage: chrono [OPTIONS]")


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\s*\$?\s*chrono ([a-z-]+)", readme, flags=re.M))
    assert set(main.commands) <= documented, set(main.commands) - documented


def test_list_and_build_take_a_folder_of_datasets(tmp_path: Path) -> None:
    """As validate does: each dataset in the folder; one that cannot be read is said on
    stderr while the others are listed, and the exit code says so."""
    folder = tmp_path / "datasets"
    folder.mkdir()
    shutil.copytree(MINI, folder / "a")
    shutil.copytree(MINI, folder / "broken")
    (folder / "broken" / "datapackage.json").write_text("{")
    shutil.copytree(MINI / "data", folder / "parquet-only" / "data")
    shutil.copy(MINI / "datapackage.json", folder / "parquet-only")
    (folder / "notes").mkdir()  # not a dataset: left alone
    code, out, err = invoke("list", str(folder))
    listing = [
        "mini 1.0.0  Mini test chronology",
        "  places             2 rows",
        "  actors             3 rows",
        "  sources            2 rows",
        "  events             3 rows",
        "  participants       5 rows",
        "  claims             8 rows",
    ]
    assert (code, out.splitlines(), err) == (
        3,
        listing * 2,
        f"Error: {folder}/broken/datapackage.json: invalid JSON at line 1 column 2: "
        "Expecting property name enclosed in double quotes\n",
    )
    (folder / "broken" / "dataset.yaml").unlink()  # now only Parquet, and unreadable
    assert invoke("build", "--check", str(folder)) == (
        0,
        f"{folder}/a: up to date (6 tables, 23 rows)\n",
        "",
    )
