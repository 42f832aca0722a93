"""Writes: only data/, schemas/ and the descriptor, never through a planted symlink, and a
dataset is the old build or the new one, whole, at every instant: a build killed (SIGKILL) at
any step of its commit, or failing to write, leaves a dataset that reads whole."""

from __future__ import annotations

import errno
import fcntl
import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import chrono
from chrono import build as builder
from chrono import safeio
from chrono.cli import main
from chrono.dataset import Dataset
from harness import Tree, build_state, copy_mini
from harness import chrono as run


def _edit(ds: Path) -> None:
    """Changes touching two tables, events and sources (and the descriptor)."""
    ev = ds / "events" / "meeting-2019.yaml"
    ev.write_text(ev.read_text().replace("title: Earlier meeting", "title: Earlier talks"))
    src = ds / "sources.yaml"
    src.write_text(src.read_text().replace("Gazette", "Official Gazette", 1))


def _titles(ds: Path) -> list[str]:
    with warnings.catch_warnings():  # the old build, after the edit, is stale: expected
        warnings.simplefilter("ignore", chrono.StaleParquetWarning)
        return sorted(chrono.load("events", ds)["title"].tolist())


def _whole(ds: Path) -> list[str]:
    """The dataset reads whole: every listed file matches its hash, size and rows."""
    report = chrono.validate(ds)
    assert report.fatal is None, report.fatal
    assert set(report.results) <= {"CHR604"}, report.results  # the old build: stale
    listed = {r.file.name for r in Dataset.open(ds).resources.values()}
    assert listed <= {p.name for p in (ds / "data").iterdir()}
    return _titles(ds)


def test_a_build_killed_at_any_step_leaves_the_old_or_the_new_dataset(tmp_path: Path) -> None:
    base = copy_mini(tmp_path, "base")
    builder.write(base, builder.build(base))  # this pyarrow's bytes: only edits change files
    old = _titles(base)
    _edit(base)
    expected = tmp_path / "expected"
    shutil.copytree(base, expected)
    builder.write(expected, builder.build(expected))
    new = _titles(expected)
    assert old != new
    outcomes = []
    for step in itertools.count(1):
        ds = tmp_path / f"step-{step}"
        shutil.copytree(base, ds)
        r = run("build", str(ds), env={safeio.KILL_ENV: str(step)})
        if r.code == 0:
            break
        assert r.code == -signal.SIGKILL, (step, r.code, r.err)
        outcomes.append(_whole(ds) == new)
        assert _whole(ds) in (old, new)
        # the next build completes the work and leaves no leftovers
        assert CliRunner().invoke(main, ["build", str(ds)]).exit_code == 0
        names = sorted(p.name for p in (ds / "data").iterdir())
        listed = sorted(r.file.name for r in Dataset.open(ds).resources.values())
        assert names == listed
        assert not [p for p in ds.iterdir() if p.name.endswith(safeio.TEMP_SUFFIX)]
        assert chrono.validate(ds).valid and _titles(ds) == new
    # killed before the commit point: old; after it: new (then only cleanup is left)
    assert outcomes[0] is False and outcomes[-1] is True
    assert outcomes == sorted(outcomes)
    assert len(outcomes) == 8  # lock, 2 tables x (write, place), descriptor, commit, cleanup


def test_a_reader_keeps_the_build_it_opened(tmp_path: Path) -> None:
    ds = copy_mini(tmp_path)
    before = _titles(ds)
    with Dataset.open(ds) as opened:
        _edit(ds)
        builder.write(ds, builder.build(ds))
        assert not opened.resource("events").file.exists()  # removed by the new build
        assert sorted(opened.read_table("events")["title"].to_pylist()) == before
    assert _titles(ds) != before


def test_planted_symlinks_are_replaced_never_followed(tmp_path: Path) -> None:
    ds = copy_mini(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("keep me\n")
    _edit(ds)
    result = builder.build(ds)
    for rel in result.files:  # every name the build will write, a symlink to the victim
        target = ds / rel
        target.unlink(missing_ok=True)
        target.symlink_to(outside / "victim.txt")
    tree = Tree(outside)
    r = run("build", str(ds))
    assert r.code == 0, r.err
    tree.unchanged()
    for rel in result.files:
        assert (ds / rel).is_file() and not (ds / rel).is_symlink()
    assert chrono.validate(ds).valid


@pytest.mark.parametrize("folder", ["data", "schemas"])
def test_a_written_folder_symlinked_outside_is_refused(tmp_path: Path, folder: str) -> None:
    ds = copy_mini(tmp_path)
    outside = tmp_path / "outside"
    shutil.move(ds / folder, outside)
    (ds / folder).symlink_to(outside)
    _edit(ds)
    tree = Tree(tmp_path)
    run("build", str(ds)).clean(3, f"{folder}: not a folder to write into (a symlink)")
    tree.unchanged()


def _fail(monkeypatch: pytest.MonkeyPatch, name: str, code: int, when: int = 0) -> None:
    """Make ``os.<name>`` fail with ``code`` inside chrono.safeio, from its ``when``-th call."""
    real = getattr(os, name)
    calls = itertools.count()

    def failing(*args: object, **kw: object) -> object:
        flags = args[1] if name == "open" and len(args) > 1 else 0
        writes = name != "open" or (isinstance(flags, int) and flags & os.O_CREAT)
        if writes and next(calls) >= when:
            raise OSError(code, os.strerror(code))
        return real(*args, **kw)

    monkeypatch.setattr(safeio.os, name, failing)


@pytest.mark.parametrize(
    ("name", "code", "when", "message"),
    [
        ("write", errno.ENOSPC, 0, "no space left on device"),
        ("write", errno.ENOSPC, 2, "no space left on device"),  # after two tables
        ("open", errno.EROFS, 0, "read-only file system"),
        ("open", errno.EACCES, 1, "permission denied"),
        ("replace", errno.EXDEV, 1, "Invalid cross-device link"),  # the second table
        ("replace", errno.EIO, 2, "Input/output error"),  # the descriptor: the commit point
    ],
)
def test_a_failed_write_leaves_the_previous_build_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, code: int, when: int, message: str
) -> None:
    ds = copy_mini(tmp_path)
    _edit(ds)
    before = build_state(ds)
    _fail(monkeypatch, name, code, when)
    result = CliRunner().invoke(main, ["build", str(ds)])
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stderr.endswith("; the previous build is intact\n")
    monkeypatch.undo()
    assert build_state(ds) == before
    assert chrono.validate(ds).fatal is None


def test_two_builds_never_interleave(tmp_path: Path) -> None:
    ds = copy_mini(tmp_path)
    _edit(ds)
    fd = os.open(ds, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another build holds the dataset
    code = "import sys; from chrono.cli import main; sys.exit(main())"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "build", str(ds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(3)
        assert proc.poll() is None  # waiting for the lock, nothing written yet
        assert sorted(p.name for p in (ds / "data").iterdir()) == sorted(
            r.file.name for r in Dataset.open(ds).resources.values()
        )
    finally:
        os.close(fd)  # released: the build goes on
    assert proc.wait(timeout=60) == 0
    assert chrono.validate(ds).valid
