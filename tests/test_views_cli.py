"""chrono plot / site / export on the command line: outputs, bad input, nothing half-written."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from chrono import __version__, safeio
from chrono.cli import main
from chrono.dataset import Dataset
from conftest import ROOT
from views_data import damage_a_title

BUNDLED = "russia-china-summits"
MINI = ROOT / "tests" / "data" / "mini"
FORMATS = "csv, json, ndjson, xlsx, sqlite, timelinejs, jsonld, ics, geojson"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_export_writes_and_says_what(tmp_path: Path) -> None:
    code, out, err = run("export", "json", "-o", str(tmp_path / "a.json"))
    assert (code, err) == (0, "")
    n = {name: r.spec["rows"] for name, r in Dataset.open(BUNDLED).resources.items()}
    assert out == (
        f"wrote {tmp_path / 'a.json'}: json, {n['places']} places, {n['actors']} actors, "
        f"{n['sources']} sources, {n['events']} events, {n['participants']} participants, "
        f"{n['claims']} claims\n"
    )
    assert json.loads((tmp_path / "a.json").read_text())["name"] == "russia-china-summits"


def test_export_to_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """-o - writes the one file of a format on standard output, the summary on stderr; a
    format that writes a folder cannot, and an empty -o is a usage error."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # iCalendar's DTSTAMP: one second
    assert run("export", "ics", "-o", str(tmp_path / "a.ics"))[0] == 0
    code, out, err = run("export", "ics", "-o", "-")
    assert code == 0
    assert out == (tmp_path / "a.ics").read_text()
    assert err.startswith("wrote standard output: ics, ")
    result = CliRunner().invoke(main, ["export", "sqlite", "-o", "/dev/stdout"])
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"SQLite format 3\x00")
    assert run("export", "csv", "-o", "-") == (
        2, "", "Error: -o -: csv writes a folder of files; name the folder\n",
    )  # fmt: skip
    assert run("export", "json", "-o", "") == (
        2, "", "Error: -o: an empty path (a file name, or - for standard output)\n",
    )  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ics"]


def test_unknown_format_is_one_line_and_exit_2(tmp_path: Path) -> None:
    assert run("export", "docx", "-o", str(tmp_path / "x")) == (
        2, "", f"Error: unknown format 'docx' (formats: {FORMATS})\n",
    )  # fmt: skip
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "sqlite", "ics"])
def test_missing_directory(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out"
    code, out, err = run("export", fmt, "-o", str(target))
    assert (code, out) == (2, "")
    assert err == f"Error: {target}: the directory {target.parent} does not exist\n"
    assert list(tmp_path.iterdir()) == []


def test_existing_file_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("keep me")
    assert run("export", "json", "-o", str(target)) == (
        2, "", f"Error: {target}: already exists (use --force to replace it)\n",
    )  # fmt: skip
    assert target.read_text() == "keep me"
    assert run("export", "json", "-o", str(target), "--force")[0] == 0
    assert json.loads(target.read_text())["name"] == "russia-china-summits"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_existing_csv_file_in_directory_needs_force(tmp_path: Path) -> None:
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "events.csv").write_text("mine")
    code, _, err = run("export", "csv", "-o", str(tmp_path / "csv"))
    assert code == 2
    assert (
        err
        == f"Error: {tmp_path / 'csv' / 'events.csv'}: already exists (use --force to replace it)\n"
    )
    assert [p.name for p in (tmp_path / "csv").iterdir()] == ["events.csv"]
    assert run("export", "csv", "-o", str(tmp_path / "csv"), "--force")[0] == 0
    assert len(list((tmp_path / "csv").iterdir())) == 8


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only directory")
def test_read_only_directory(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert run("export", "json", "-o", str(ro / "a.json")) == (
            2, "", f"Error: {ro}: not writable\n",
        )  # fmt: skip
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


def test_unwritable_directory_as_the_system_says_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same path as a read-only directory, for a root user too."""
    real = os.open

    def refuse(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied")
        return real(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(safeio.os, "open", refuse)
    assert run("export", "sqlite", "-o", str(tmp_path / "a.db")) == (
        2, "", f"Error: {tmp_path}: not writable\n",
    )  # fmt: skip
    assert run("export", "ndjson", "-o", str(tmp_path / "nd")) == (
        2, "", f"Error: {tmp_path / 'nd'}: not writable\n",
    )  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_writing_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails (a full disk, an I/O error) is exit 3, and leaves what was there."""
    import pyarrow.csv

    real = pyarrow.csv.write_csv
    calls = []

    def half(table: object, where: object) -> None:
        calls.append(where)
        real(table, where)
        if len(calls) >= 3:  # from the third table on (two threads write)
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(pyarrow.csv, "write_csv", half)
    target = tmp_path / "csv"
    code, _, err = run("export", "csv", "-o", str(target))
    assert (code, err) == (3, f"Error: {target}: cannot write (no space left on device)\n")
    assert list(tmp_path.iterdir()) == []  # not even the directory it made
    (tmp_path / "a.json").write_text("old")
    monkeypatch.setattr(json, "dump", lambda *a, **k: (_ for _ in ()).throw(OSError(5, "EIO")))
    assert run("export", "json", "-o", str(tmp_path / "a.json"), "--force") == (
        3, "", f"Error: {tmp_path / 'a.json'}: cannot write (EIO)\n",
    )  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]
    assert (tmp_path / "a.json").read_text() == "old"


def test_unreadable_dataset_is_exit_3(tmp_path: Path) -> None:
    code, out, err = run("export", "json", str(tmp_path / "nowhere"), "-o", str(tmp_path / "a"))
    assert (code, out) == (3, "")
    assert err == f"Error: {tmp_path / 'nowhere'}: no such dataset directory or datapackage.json\n"


@pytest.mark.parametrize(
    ("module", "args", "extra"),
    [
        ("openpyxl", ("export", "xlsx"), "export"),
        ("icalendar", ("export", "ics"), "export"),
        ("matplotlib", ("plot",), "plot"),
    ],
)
def test_missing_extra_names_it(
    module: str, args: tuple[str, ...], extra: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chrono.views import deps

    real = deps.importlib.import_module

    def without(name: str, *rest: object) -> object:
        if name.split(".")[0] == module:
            raise ModuleNotFoundError(f"No module named {module!r}")
        return real(name, *rest)

    monkeypatch.setattr(deps.importlib, "import_module", without)
    suffix = ".svg" if args == ("plot",) else ""
    code, out, err = run(*args, "-o", str(tmp_path / f"out{suffix}"))
    assert (code, out) == (2, "")
    assert err == f"Error: {module} is not installed: pip install 'chrono-data[{extra}]'\n"
    assert list(tmp_path.iterdir()) == []


def test_plot_bad_input(tmp_path: Path) -> None:
    assert run("plot", "-o", str(tmp_path / "a.gif")) == (
        2, "", f"Error: {tmp_path / 'a.gif'}: the file name must end in .png, .svg or .pdf\n",
    )  # fmt: skip
    assert run("plot", "-o", str(tmp_path / "a.svg"), "--lane", "colour") == (
        2, "", "Error: no column 'colour' to make lanes of (type, actor, place or a column)\n",
    )  # fmt: skip
    assert run("plot", "-o", str(tmp_path / "a.svg"), "--from", "soon", "--to", "2020") == (
        2, "", "Error: --from: 'soon' is not an EDTF level 0/1 date\n",
    )  # fmt: skip
    assert run("plot", "-o", str(tmp_path / "a.svg"), "--from", "2023", "--to", "2022") == (
        2, "", "Error: period: the start (2023) is after the end (2022)\n",
    )  # fmt: skip
    assert run("plot", "-o", str(tmp_path / "a.svg"), "--type", "phonecall") == (
        2, "", "Error: no event has the type 'phonecall'; did you mean 'phone_call'?\n",
    )  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_plot_from_a_date_on_or_up_to_one(tmp_path: Path) -> None:
    assert run("plot", "-o", str(tmp_path / "a.svg"), "--from", "2025") == (
        0, f"wrote {tmp_path / 'a.svg'}\n", "",
    )  # fmt: skip
    assert run("plot", "-o", str(tmp_path / "b.svg"), "--to", "44 BCE") == (
        0, f"wrote {tmp_path / 'b.svg'}\n", "",
    )  # fmt: skip


def test_site_writes_one_file(tmp_path: Path) -> None:
    target = tmp_path / "site"
    n = Dataset.open(BUNDLED).resource("events").spec["rows"]
    assert run("site", "-o", str(target)) == (
        0,
        f"wrote {target / 'index.html'} ({n} events)\n",
        "",
    )
    assert [p.name for p in target.iterdir()] == ["index.html"]
    assert run("site", "-o", str(target)) == (
        2, "", f"Error: {target / 'index.html'}: already exists (use --force to replace it)\n",
    )  # fmt: skip


def test_a_page_too_large_for_a_browser_is_said_to_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page of a million events (400 MB) is written, and said to be more than browsers
    open with ease (the limit lowered here to the bundled page's size)."""
    from chrono.cli import views_cmd

    monkeypatch.setattr(views_cmd, "LARGE_PAGE", 1000)
    target = tmp_path / "site"
    code, out, err = run("site", "-o", str(target))
    size = (target / "index.html").stat().st_size
    n = Dataset.open(BUNDLED).resource("events").spec["rows"]
    assert (code, err) == (0, "")
    assert out == (
        f"wrote {target / 'index.html'} ({n} events); the page is {size / 1e6:,.0f} MB, more "
        "than browsers open with ease: chrono export sqlite or csv suit data of this size\n"
    )


def test_outputs_get_the_usual_file_mode(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        run("export", "geojson", "-o", str(tmp_path / "a.geojson"))
    finally:
        os.umask(mask)
    assert (tmp_path / "a.geojson").stat().st_mode & 0o777 == 0o644


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys; from chrono.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'pyarrow', 'matplotlib', 'openpyxl', 'icalendar')"
        " if m in sys.modules]\nprint(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_an_export_carries_what_citing_the_dataset_needs(tmp_path: Path) -> None:
    """The JSON, SQLite and Excel exports hold the dataset's description, creators,
    keywords, DOI and citation (those its descriptor states), not its name alone."""
    ds = tmp_path / "mini"
    shutil.copytree(MINI, ds)
    desc = json.loads((ds / "datapackage.json").read_text())
    desc["chrono"]["creators"] = [{"name": "Ada Example"}, {"name": "Ben Example"}]
    desc["chrono"]["doi"] = "10.1234/example"
    (ds / "datapackage.json").write_text(json.dumps(desc))
    code, out, _ = run("export", "json", str(ds), "-o", "-")
    assert code == 0
    meta = {k: v for k, v in json.loads(out).items() if k != "tables"}
    assert meta == {
        "name": "mini",
        "title": "Mini test chronology",
        "version": "1.0.0",
        "license": "CC0-1.0",
        "description": "Fictional events used by chrono's tests.",
        "creators": "Ada Example; Ben Example",
        "keywords": "test",
        "doi": "10.1234/example",
        "url": "https://doi.org/10.1234/example",
        "citation": "Ada Example & Ben Example (n.d.). Mini test chronology (version 1.0.0) "
        f"[Data set]. Built with chrono-data {__version__}. https://doi.org/10.1234/example",
    }
    assert run("export", "sqlite", str(ds), "-o", str(tmp_path / "m.db"))[0] == 0
    with sqlite3.connect(tmp_path / "m.db") as con:
        assert dict(con.execute("SELECT * FROM dataset_info").fetchall()) == meta
    code, out, _ = run("export", "jsonld", str(ds), "-o", "-")
    node = json.loads(out)["@graph"][0]
    assert (node["@type"], node["sameAs"], node["citation"]) == (
        "Dataset", "https://doi.org/10.1234/example", meta["citation"],
    )  # fmt: skip
    assert node["creator"] == [
        {"@type": "Person", "name": "Ada Example"},
        {"@type": "Person", "name": "Ben Example"},
    ]


@pytest.mark.parametrize("fmt", ["json", "csv", "ics", "sqlite"])
def test_export_of_text_that_is_not_utf8_names_the_column(fmt: str, tmp_path: Path) -> None:
    """A damaged Parquet file: a one-line error naming the file and column, exit 3, and
    nothing written (was exit 2 and the decoder's message, or an export of the bytes)."""
    shutil.copytree(
        ROOT / "datasets" / BUNDLED,
        tmp_path / "ds",
        ignore=shutil.ignore_patterns("*.yaml", "events"),
    )
    events = Dataset.open(tmp_path / "ds").resource("events").file
    damage_a_title(events)
    code, out, err = run("export", fmt, str(tmp_path / "ds"), "-o", str(tmp_path / "out"))
    assert (code, out) == (3, "")
    assert err == (
        f"Error: {events}: column 'title' holds text that is not UTF-8 (a damaged file, "
        "or one chrono did not write)\n"
    )
    assert not (tmp_path / "out").exists()
