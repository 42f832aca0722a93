"""A user's output files (plot, site, every export, init, schemas --write): written through
chrono.safeio, whole or not at all, never through a planted symlink, never over a file that
appeared meanwhile; every failure one line with its exit code."""

from __future__ import annotations

import csv
import errno
import itertools
import json
import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import chrono
from chrono import build as builder
from chrono import safeio
from chrono import schemas as gen
from chrono.cli import main
from chrono.dataset import Dataset
from chrono.views import export
from harness import Tree, copy_mini

ENOSPC = "no space left on device"
#: (command line after ``chrono``, output path relative to tmp_path, the file a failure names)
OUTPUTS = [
    (("plot",), "out.svg", "out.svg"),
    (("site",), "site", "site/index.html"),
    *((("export", fmt), name, name) for fmt, name in (
        ("json", "a.json"), ("xlsx", "a.xlsx"), ("sqlite", "a.db"),
        ("timelinejs", "a.json"), ("jsonld", "a.jsonld"), ("ics", "a.ics"),
        ("geojson", "a.geojson"),
    )),
    (("export", "csv"), "csv", "csv/places.csv"),
    (("export", "ndjson"), "nd", "nd/places.ndjson"),
]  # fmt: skip
IDS = [" ".join(args) for args, _, _ in OUTPUTS]


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def _fail_fsync(monkeypatch: pytest.MonkeyPatch, when: int = 0) -> None:
    """``os.fsync`` of a regular file fails with ENOSPC from its ``when``-th call (a full
    disk reported when the data is flushed); a folder's fsync still works."""
    real = os.fsync
    calls = itertools.count()

    def fsync(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode) and next(calls) >= when:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(safeio.os, "fsync", fsync)


@pytest.mark.parametrize(("args", "name", "named"), OUTPUTS, ids=IDS)
def test_a_full_disk_leaves_the_previous_output_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], name: str, named: str
) -> None:
    target = tmp_path / name
    old = target / "index.html" if args == ("site",) else target
    if name in ("csv", "nd"):  # a folder output: a new folder, removed again
        old = None
    else:
        old.parent.mkdir(exist_ok=True)
        old.write_text("the previous output\n")
    tree = Tree(tmp_path)
    _fail_fsync(monkeypatch)
    assert run(*args, "-o", str(target), "--force") == (
        3, "", f"Error: {tmp_path / named}: cannot write ({ENOSPC})\n",
    )  # fmt: skip
    tree.unchanged()  # no temporary file left, the previous output as it was
    monkeypatch.undo()
    code, out, err = run(*args, "-o", str(target), "--force")
    assert (code, err) == (0, "")
    assert out.startswith(f"wrote {tmp_path / name}")


@pytest.mark.parametrize(("args", "name", "named"), OUTPUTS, ids=IDS)
def test_a_symlink_at_the_output_is_never_followed(
    tmp_path: Path, args: tuple[str, ...], name: str, named: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_text("keep me\n")
    link = tmp_path / named
    link.parent.mkdir(exist_ok=True)
    link.symlink_to(victim)
    tree = Tree(tmp_path)
    assert run(*args, "-o", str(tmp_path / name)) == (
        2, "", f"Error: {link}: already exists (use --force to replace it)\n",
    )  # fmt: skip
    assert run(*args, "-o", str(tmp_path / name), "--force") == (
        2, "", f"Error: {link}: not a regular file; not replaced\n",
    )  # fmt: skip
    tree.unchanged()


def test_a_file_that_appears_while_writing_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --force an output is placed by a hard link, which fails on an existing name:
    a file made by someone else between the check and the rename is not replaced."""
    target = tmp_path / "a.json"
    real = json.dump

    def dump(*args: object, **kw: object) -> None:
        target.write_text("made meanwhile\n")
        real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(json, "dump", dump)
    assert run("export", "json", "-o", str(target)) == (
        2, "", f"Error: {target}: already exists (use --force to replace it)\n",
    )  # fmt: skip
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
    assert target.read_text() == "made meanwhile\n"


def test_each_file_is_created_exclusively_synced_then_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The system calls of one export, in order: an exclusive, no-follow temporary file in
    the target's folder, its data synced, then one atomic step gives it its name."""
    calls: list[tuple[str, ...]] = []
    real = {n: getattr(os, n) for n in ("open", "fsync", "link", "replace")}
    names: dict[int, str] = {}

    def opened(path: str, flags: int, *args: object, **kw: object) -> int:
        fd = real["open"](path, flags, *args, **kw)
        if flags & os.O_CREAT:
            names[fd] = path
            exclusive = flags & os.O_EXCL and flags & os.O_NOFOLLOW and kw.get("dir_fd")
            calls.append(("create", "exclusive" if exclusive else "plain", path))
        return int(fd)

    def fsync(fd: int) -> None:
        real["fsync"](fd)
        if fd in names:
            calls.append(("fsync", names[fd]))

    def link(src: str, dst: str, **kw: object) -> None:
        real["link"](src, dst, **kw)
        calls.append(("link", src, dst))

    for name, fn in (("open", opened), ("fsync", fsync), ("link", link)):
        monkeypatch.setattr(safeio.os, name, fn)
    assert run("export", "geojson", "-o", str(tmp_path / "a.geojson"))[0] == 0
    monkeypatch.undo()
    temp = calls[0][2]
    assert re.fullmatch(r"\.a\.geojson\.[0-9]+-[0-9a-f]{16}\.chrono-tmp", temp)  # pid-random
    assert calls == [
        ("create", "exclusive", temp),
        ("fsync", temp),
        ("link", temp, "a.geojson"),
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.geojson"]
    assert (tmp_path / "a.geojson").stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_views_read_the_build_they_opened(tmp_path: Path) -> None:
    """A build that replaces the dataset while an export runs changes nothing it writes:
    the tables come from the files the opened dataset holds."""
    ds = copy_mini(tmp_path)
    before = sorted(chrono.load("events", ds)["title"])
    with Dataset.open(ds) as opened:
        ev = ds / "events" / "meeting-2019.yaml"
        ev.write_text(ev.read_text().replace("title: Earlier meeting", "title: Earlier talks"))
        builder.write(ds, builder.build(ds))
        assert not opened.resource("events").file.exists()  # the old table is gone
        # the opened build is older than the YAML now: said, and written as it was
        with pytest.warns(chrono.StaleParquetWarning):
            export.to_json(opened, tmp_path / "a.json")
        with pytest.warns(chrono.StaleParquetWarning):
            export.to_csv(opened, tmp_path / "csv")
    doc = json.loads((tmp_path / "a.json").read_text())
    assert sorted(e["title"] for e in doc["tables"]["events"]) == before
    with open(tmp_path / "csv" / "events.csv", newline="", encoding="utf-8") as fh:
        assert sorted(row["title"] for row in csv.DictReader(fh)) == before
    assert sorted(chrono.load("events", ds)["title"]) != before


def test_init_is_written_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "new" / "my-chronology"
    _fail_fsync(monkeypatch, when=2)  # the third file
    assert run("init", str(target)) == (
        3, "", f"Error: {target / 'actors.yaml'}: cannot write ({ENOSPC})\n",
    )  # fmt: skip
    assert list(tmp_path.iterdir()) == []  # the folders it made are gone too


def test_init_messages_show_a_hostile_path_inert(tmp_path: Path) -> None:
    target = tmp_path / "a\x1b[31mb\nc"
    code, out, err = run("init", str(target))
    assert (code, err) == (0, "")
    shown = str(tmp_path) + "/a\\x1b[31mb\\nc"
    assert out.splitlines()[:2] == [f"wrote {shown}/dataset.yaml", f"wrote {shown}/sources.yaml"]
    assert f"  4. chrono build {shown}      (compile to Parquet" in out
    assert "\x1b" not in out


def test_schemas_write_replaces_a_symlink_never_follows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "schemas"
    gen.write(out)
    victim = tmp_path / "victim.json"
    victim.write_text("keep me\n")
    rel = "tables/events.schema.json"
    (out / rel).unlink()
    (out / rel).symlink_to(victim)
    assert run("schemas", "--write", str(out)) == (0, f"{out}: wrote {rel}\n", "")
    assert victim.read_text() == "keep me\n"
    assert not (out / rel).is_symlink() and gen.check(out) == []
    (out / rel).write_text("{}\n")
    tree = Tree(tmp_path)
    _fail_fsync(monkeypatch)
    assert run("schemas", "--write", str(out)) == (
        3, "", f"Error: {out / rel}: cannot write ({ENOSPC})\n",
    )  # fmt: skip
    tree.unchanged()


WRITES_A_FOLDER = {("site",), ("export", "csv"), ("export", "ndjson")}
BESIDE = "(a view writes outside the dataset it shows)"


@pytest.mark.parametrize(("args", "name", "_"), OUTPUTS, ids=IDS)
def test_a_view_never_writes_into_the_dataset_it_shows(
    tmp_path: Path, args: tuple[str, ...], name: str, _: str
) -> None:
    """Not among its event files (the next build would refuse the stray file), not among
    its tables, not over its own files, even with --force: exit 2, nothing written."""
    ds = copy_mini(tmp_path)
    tree = Tree(ds)
    if args == ("plot",):
        name = "out.svg"
    targets = {
        ds / "events" / name: "is in the dataset's events/ folder",
        ds / "data" / name: "is in the dataset's data/ folder, which holds its tables",
        # the editor schemas the build writes: build --check would find them stale
        ds / "schemas" / name: "is in the dataset's schemas/ folder",
    }
    if args in WRITES_A_FOLDER:
        targets[ds / "events"] = "is the dataset's events/ folder"
        targets[ds / "schemas"] = "is the dataset's schemas/ folder"
        targets[ds] = "is the dataset's own folder"
    elif args != ("plot",):  # a figure's name ends in .png, .svg or .pdf
        targets[ds / "datapackage.json"] = "is the dataset's datapackage.json"
        targets[ds / "sources.yaml"] = "is the dataset's sources.yaml"
    for target, what in targets.items():
        assert run(*args, str(ds), "-o", str(target), "--force") == (
            2,
            "",
            f"Error: {target}: {what} {BESIDE}\n",
        )
    tree.unchanged()
    # beside the dataset's files, in a folder of its own: written
    code, _out, err = run(*args, str(ds), "-o", str(ds / name))
    assert (code, err) == (0, "")
    assert CliRunner().invoke(main, ["build", "--check", str(ds)]).exit_code == 0


def test_the_library_refuses_the_same(tmp_path: Path) -> None:
    ds = copy_mini(tmp_path)
    with pytest.raises(safeio.UnusableOutput, match=r"is in the dataset's events/ folder"):
        export.export("csv", ds, ds / "events" / "csv")
    with pytest.raises(safeio.UnusableOutput, match=r"is the dataset's own folder"):
        chrono.write_site(ds, ds)
    assert sorted(p.name for p in (ds / "events").iterdir()) == [
        "meeting-2019.yaml",
        "meeting-2020.yaml",
        "summit-2020.yaml",
    ]


def test_a_killed_writer_s_temporary_file_is_removed_by_the_next_run(tmp_path: Path) -> None:
    """A run killed before placing its output leaves its temporary file; the next run of
    the same output removes it once placed (its writer is gone), never one being written
    (a live process's) nor a file not named as chrono names them."""
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id no process holds now
    out = tmp_path / "out.json"
    left = tmp_path / f".out.json.{gone.pid}-0123456789abcdef.chrono-tmp"
    live = tmp_path / f".out.json.{os.getpid()}-fedcba9876543210.chrono-tmp"
    other = tmp_path / ".out.json.notes.txt"
    for path in (left, live, other):
        path.write_text("partial")
    assert run("export", "json", "-o", str(out))[0] == 0
    assert not left.exists() and live.exists() and other.exists()
    assert json.loads(out.read_text())["name"] == "russia-china-summits"
