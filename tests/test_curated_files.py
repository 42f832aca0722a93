"""Curated files are read once, through chrono.safeio: an event file relative to its folder
(opened once), with the same checks and messages as any other input; the recorded hash is
that of the bytes read."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from chrono import safeio
from chrono.curation import curated_sha256, read_curated
from chrono.records import not_an_event_file
from chrono.safeio import reading
from conftest import MINI

CONTENT = b"id: x\n"


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    """A root with a folder ``events`` in it, and a secret file outside the root."""
    root = tmp_path / "root"
    (root / "events").mkdir(parents=True)
    (root / "inside.yaml").write_bytes(b"inside\n")
    (tmp_path / "secret.txt").write_text("the secret words\n")
    return root, root / "events"


CASES = [
    "a file",
    "missing",
    "a directory",
    "a FIFO",
    "over the cap",
    "a symlink inside",
    "a symlink outside",
    "a symlink loop",
    "a path out",
    "a NUL byte",
]


def _make(case: str, d: Path) -> str:
    """Put what ``case`` names in the folder ``d``; the name to read."""
    if case == "a file":
        (d / "a.yaml").write_bytes(CONTENT)
        return "a.yaml"
    if case == "a directory":
        (d / "d.yaml").mkdir()
        return "d.yaml"
    if case == "a FIFO":
        os.mkfifo(d / "f.yaml")
        return "f.yaml"
    if case == "over the cap":
        (d / "big.yaml").write_bytes(b"x" * 2048)
        return "big.yaml"
    if case == "a symlink inside":
        (d / "in.yaml").symlink_to("../inside.yaml")
        return "in.yaml"
    if case == "a symlink outside":
        (d / "out.yaml").symlink_to(d.parent.parent / "secret.txt")
        return "out.yaml"
    if case == "a symlink loop":
        (d / "loop.yaml").symlink_to("loop.yaml")
        return "loop.yaml"
    return {"missing": "gone.yaml", "a path out": "../../secret.txt", "a NUL byte": "a\0.yaml"}[
        case
    ]


def _outcome(read: Callable[[], bytes]) -> tuple[str, bytes | str]:
    try:
        return "bytes", read()
    except safeio.InputError as exc:
        return type(exc).__name__, str(exc)


@pytest.mark.parametrize("case", CASES)
def test_a_folder_reads_as_open_input_does(tmp_path: Path, case: str) -> None:
    root, events = _tree(tmp_path)
    name = _make(case, events)
    with safeio.limits({"yaml": 1024}), safeio.InputFolder(events, root) as folder:
        got = _outcome(lambda: folder.read_bytes(name, "yaml"))
        want = _outcome(lambda: safeio.read_bytes(events / name, kind="yaml", root=root))
    assert got == want
    expected_kind = {
        "a file": "bytes",
        "a symlink inside": "bytes",
        "missing": "FileMissing",
    }.get(case, "InputError")
    assert got[0] == expected_kind


def test_the_folder_is_resolved_once_not_each_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, events = _tree(tmp_path)
    for i in range(5):
        (events / f"e{i}.yaml").write_bytes(b"%d\n" % i)
    resolved: list[Path] = []
    real = reading.resolve_inside

    def counted(path: Path, root: Path) -> Path:
        resolved.append(path)
        return real(path, root)

    monkeypatch.setattr(reading, "resolve_inside", counted)
    with safeio.InputFolder(events, root) as folder:
        assert [folder.read_bytes(f"e{i}.yaml", "yaml") for i in range(5)] == [
            b"0\n",
            b"1\n",
            b"2\n",
            b"3\n",
            b"4\n",
        ]
    assert resolved == [events]


def test_a_folder_symlinked_outside_reads_nothing(tmp_path: Path) -> None:
    root, events = _tree(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "a.yaml").write_bytes(CONTENT)
    shutil.rmtree(events)
    events.symlink_to(outside)
    with safeio.InputFolder(events, root) as folder, pytest.raises(safeio.InputError) as err:
        folder.read_bytes("a.yaml", "yaml")
    assert (
        str(err.value)
        == f"{events / 'a.yaml'}: resolves outside {root} (a symlink may not leave it)"
    )


def test_a_closed_folder_still_reads_by_path(tmp_path: Path) -> None:
    root, events = _tree(tmp_path)
    (events / "a.yaml").write_bytes(CONTENT)
    folder = safeio.InputFolder(events, root)
    folder.close()
    folder.close()  # twice: harmless
    assert folder.read_bytes("a.yaml", "yaml") == CONTENT


def test_the_hash_is_that_of_the_bytes_read(tmp_path: Path) -> None:
    ds = tmp_path / "mini"
    shutil.copytree(MINI, ds)
    (ds / "events" / "stray.yml").write_text("a stray file counts in the hash\n")
    before = curated_sha256(ds)
    curated = read_curated(ds)
    assert curated.sha256(ds) == before
    # a file changed after it was read: the reading's hash is of what it read
    event = next(p for p in sorted((ds / "events").iterdir()) if p.suffix == ".yaml")
    event.write_text(event.read_text() + "# changed\n")
    assert curated.sha256(ds) == before
    assert curated_sha256(ds) != before
    # another folder: its own hash, read afresh
    assert curated.sha256(MINI) == curated_sha256(MINI) != before


def test_what_an_entry_of_events_is_when_it_is_not_an_event_file(tmp_path: Path) -> None:
    ds = tmp_path / "mini"
    shutil.copytree(MINI, ds)
    events = ds / "events"
    (events / "notes.txt").write_text("not an event\n")
    (events / "drafts").mkdir()
    (events / "folder.yaml").mkdir()
    os.mkfifo(events / "fifo.yaml")
    (events / "dangling.yaml").symlink_to("missing.yaml")
    (events / "loop.yaml").symlink_to("loop.yaml")
    (events / ".hidden.yaml").write_text("skipped\n")
    hint = "(events/ holds one <id>.yaml file per event)"
    nothing = "a symlink to nothing (its target is missing, or a loop)"
    problems = [str(p) for p in read_curated(ds).problems if p.code == "CHR113"]
    assert problems == [
        f"events/dangling.yaml: CHR113 {nothing} {hint}",
        f"events/drafts: CHR113 a folder {hint}",
        f"events/fifo.yaml: CHR113 not a regular file (a FIFO) {hint}",
        f"events/folder.yaml: CHR113 a folder {hint}",
        f"events/loop.yaml: CHR113 {nothing} {hint}",
        f"events/notes.txt: CHR113 not a .yaml file {hint}",
    ]
    # an entry gone between the listing and the look at it
    assert not_an_event_file(events / "gone.yaml") == "not found"


@pytest.mark.parametrize("entry", ["a folder", "a FIFO", "a symlink to nothing"])
def test_an_entry_the_build_refuses_makes_the_build_stale(tmp_path: Path, entry: str) -> None:
    """The hash covers the names of the entries of events/ that are not files: validate
    then checks the YAML and reports what the build refuses, instead of 'valid'."""
    from click.testing import CliRunner

    from chrono.cli import main

    ds = tmp_path / "mini"
    shutil.copytree(MINI, ds)
    before = curated_sha256(ds)
    (ds / "events" / ".cache").mkdir()  # names starting with a dot are neither
    assert curated_sha256(ds) == before
    made = ds / "events" / "drafts"
    {
        "a folder": lambda: made.mkdir(),
        "a FIFO": lambda: os.mkfifo(made),
        "a symlink to nothing": lambda: made.symlink_to("missing"),
    }[entry]()
    assert curated_sha256(ds) != before
    result = CliRunner().invoke(main, ["validate", str(ds)])
    assert result.exit_code == 1
    codes = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  CHR")]
    assert codes == ["CHR113", "CHR604"]


def test_an_event_file_named_in_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    """Its name is hashed as its bytes: validate reports the file, show notes the stale
    Parquet, the loaders warn; nothing stops on an encoding error."""
    import warnings

    from click.testing import CliRunner

    import chrono
    from chrono.cli import main

    ds = tmp_path / "mini"
    shutil.copytree(MINI, ds)
    before = curated_sha256(ds)
    try:
        (ds / "events" / os.fsdecode(b"\xff.yaml")).write_text("id: x\n")
    except (OSError, UnicodeError):
        pytest.skip("this file system takes UTF-8 names only")
    assert curated_sha256(ds) != before
    result = CliRunner().invoke(main, ["validate", str(ds)])
    assert (result.exit_code, result.stderr) == (1, "")
    codes = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  CHR")]
    assert codes == ["CHR104", "CHR113", "CHR604"]
    result = CliRunner().invoke(main, ["show", "meeting-2020", "-d", str(ds)])
    assert result.exit_code == 0
    assert result.stderr.startswith(f"note: {ds}: its Parquet is stale")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(chrono.load("events", ds)) == 3
    assert [w.category for w in caught] == [chrono.StaleParquetWarning]
