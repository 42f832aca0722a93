"""Reads: never outside the dataset or the --sources folder, regular files only, size caps,
no hang and bounded memory on any input (each case in a capped subprocess)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import table_file
from harness import Tree, chrono, copy_mini

SECRET = "the secret words\n"


@pytest.fixture
def case(tmp_path: Path) -> tuple[Path, Path]:
    """A built copy of the mini dataset, and a secret file beside it (outside it)."""
    ds = copy_mini(tmp_path)
    (tmp_path / "secret.txt").write_text(SECRET)
    return ds, tmp_path


def descriptor(ds: Path) -> dict:
    return json.loads((ds / "datapackage.json").read_text())


def set_descriptor(ds: Path, desc: dict) -> None:
    (ds / "datapackage.json").write_text(json.dumps(desc))


def replace_with(path: Path, make: str, target: str | None = None) -> None:
    path.unlink()
    if make == "fifo":
        os.mkfifo(path)
    elif make == "dir":
        path.mkdir()
    elif make == "link":
        assert target is not None
        path.symlink_to(target)


def move_events_outside(ds: Path) -> None:
    """The event files moved out of the dataset, ``events`` a symlink to where they are."""
    elsewhere = ds.parent / "events-elsewhere"
    os.replace(ds / "events", elsewhere)
    (ds / "events").symlink_to(elsewhere)


def _table(ds: Path) -> Path:
    return table_file(ds, "claims")


CASES = {
    # name: (mutation of the dataset folder, exit code, fragment of the one-line error)
    "table symlinked outside": (
        lambda ds: replace_with(_table(ds), "link", str(ds.parent / "secret.txt")),
        3,
        "resolves outside",
    ),
    "table is /dev/zero": (
        lambda ds: replace_with(_table(ds), "link", "/dev/zero"),
        3,
        "resolves outside",
    ),
    "table is a FIFO": (lambda ds: replace_with(_table(ds), "fifo"), 3, "(a FIFO)"),
    "table is a directory": (lambda ds: replace_with(_table(ds), "dir"), 3, "(a directory)"),
    "table is a symlink loop": (
        lambda ds: replace_with(_table(ds), "link", _table(ds).name),
        3,
        "symlink loop",
    ),
    "descriptor is a FIFO": (
        lambda ds: replace_with(ds / "datapackage.json", "fifo"),
        3,
        "datapackage.json: not a regular file (a FIFO)",
    ),
    "descriptor is /dev/zero": (
        lambda ds: replace_with(ds / "datapackage.json", "link", "/dev/zero"),
        3,
        "resolves outside",
    ),
    "descriptor is a directory": (
        lambda ds: replace_with(ds / "datapackage.json", "dir"),
        3,
        "(a directory)",
    ),
    "descriptor nested too deeply": (
        lambda ds: (ds / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000),
        3,
        "datapackage.json: JSON nested too deeply",
    ),
    "resource path with a NUL byte": (
        lambda ds: set_descriptor(
            ds, {**descriptor(ds), "resources": [{"name": "events", "path": "data/\0x"}]}
        ),
        3,
        "resource path 'data/\\x00x' holds a NUL byte",
    ),
    "resource path leaves the dataset": (
        lambda ds: set_descriptor(
            ds, {**descriptor(ds), "resources": [{"name": "events", "path": "../secret.txt"}]}
        ),
        3,
        "escapes the dataset directory",
    ),
    "curated YAML is a FIFO": (  # never opened: not a regular file, so not an event file
        lambda ds: replace_with(ds / "events" / "meeting-2019.yaml", "fifo"),
        1,
        "",
    ),
    "curated YAML symlinked outside": (
        lambda ds: replace_with(ds / "sources.yaml", "link", str(ds.parent / "secret.txt")),
        3,
        "resolves outside",
    ),
    "event file symlinked outside": (  # events are opened relative to their folder
        lambda ds: replace_with(
            ds / "events" / "meeting-2019.yaml", "link", str(ds.parent / "secret.txt")
        ),
        3,
        "events/meeting-2019.yaml: resolves outside",
    ),
    "events folder symlinked outside": (move_events_outside, 3, "resolves outside"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_validate_refuses_without_reading_or_hanging(case: tuple[Path, Path], name: str) -> None:
    ds, outside = case
    mutate, code, fragment = CASES[name]
    mutate(ds)
    tree = Tree(outside)
    chrono("validate", str(ds)).clean(code, fragment)
    tree.unchanged()


@pytest.mark.parametrize(
    "name",
    [
        "curated YAML is a FIFO",
        "curated YAML symlinked outside",
        "event file symlinked outside",
        "events folder symlinked outside",
    ],
)
def test_build_refuses_curated_files_it_must_not_read(case: tuple[Path, Path], name: str) -> None:
    ds, outside = case
    mutate, code, fragment = CASES[name]
    mutate(ds)
    tree = Tree(outside)
    if code == 1:  # listed as a problem of the event folder, never opened
        fragment = "events/meeting-2019.yaml: CHR113 not a regular file (a FIFO)"
    chrono("build", str(ds)).clean(code, fragment)
    tree.unchanged()


def test_loaders_refuse_a_table_outside(case: tuple[Path, Path]) -> None:
    import chrono as api
    from chrono.package import DatasetError

    ds, _ = case
    replace_with(_table(ds), "link", str(ds.parent / "secret.txt"))
    with pytest.raises(DatasetError, match="resolves outside"):
        api.load("events", ds)


def test_size_caps_and_the_flag_that_raises_them(case: tuple[Path, Path]) -> None:
    ds, _ = case
    chrono("validate", str(ds), "--max-file-size", "parquet=1K").clean(
        3, "over the 1K limit for a parquet file (raise it with --max-file-size parquet=SIZE)"
    )
    chrono("validate", str(ds), "--max-file-size", "descriptor=1K").clean(3, "datapackage.json: ")
    chrono("validate", str(ds), env={"CHRONO_MAX_FILE_SIZE": "yaml=10"}).clean(
        3, "over the 10 bytes limit for a yaml file"
    )
    assert chrono("validate", str(ds), "--max-file-size", "2G").code == 0
    chrono("--max-file-size", "parquet=1K", "info", "-d", str(ds)).clean(3, "over the 1K limit")
    chrono("info", "-d", str(ds), env={"CHRONO_MAX_FILE_SIZE": "descriptor=1K"}).clean(3)
    usage = chrono("validate", str(ds), "--max-file-size", "lots")
    assert usage.code == 2 and "'lots' is not a size (e.g. 500M, 8G)" in usage.err
    huge = ds / "events" / "meeting-2019.yaml"
    huge.write_text(huge.read_text() + "#" * (9 << 20))  # over the 8M default
    chrono("build", str(ds)).clean(3, "over the 8M limit for a yaml file")


YAML_CASES = {
    "alias bomb": (
        'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + "".join(
            f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "name: *i\n",
        "dataset.yaml:1:4: CHR110 malformed YAML: aliases (*) are not allowed",
    ),
    "nesting": ("name: " + "[" * 5000 + "]" * 5000 + "\n", "dataset.yaml:1:"),  # libyaml: 1000
    "nesting 40": ("name: " + "[" * 40 + "]" * 40 + "\n", "nested more than 32 levels deep"),
    "not UTF-8": (
        "name: caf\udce9\n",
        "dataset.yaml:1:10: CHR110 not UTF-8 (byte 0xe9: invalid continuation byte)",
    ),
    "a tab": (
        "name: x\nkeywords:\n\t- a\n",
        "dataset.yaml:3:1: CHR110 malformed YAML: found character that cannot start any token "
        "(a tab: YAML indents with spaces)",
    ),
}


@pytest.mark.parametrize("name", list(YAML_CASES))
def test_hostile_yaml_is_refused_at_its_line(case: tuple[Path, Path], name: str) -> None:
    ds, outside = case
    text, fragment = YAML_CASES[name]
    (ds / "dataset.yaml").write_bytes(text.encode("utf-8", "surrogateescape"))
    tree = Tree(outside, skip=ds / "dataset.yaml")
    before = Tree(ds, skip=ds / "dataset.yaml")
    chrono("build", str(ds)).clean(1, fragment)
    chrono("validate", str(ds)).clean(1)  # stale: the curated sources changed
    tree.unchanged()
    before.unchanged()


def _sources(ds: Path, text: str) -> None:
    """Point the gazette source's local copy at ``text``."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from chrono.build import WRITE_OPTIONS

    path = table_file(ds, "sources")
    t = pq.read_table(path)
    col = pc.if_else(pc.equal(t["id"], "gazette-2020-05-01"), text, t["text"])
    t = t.set_column(t.schema.get_field_index("text"), "text", col.cast(pa.string()))
    pq.write_table(t, path, **WRITE_OPTIONS)
    desc = descriptor(ds)
    for res in desc["resources"]:  # keep the integrity checks out of the way
        res.pop("hash", None)
        res.pop("bytes", None)
    set_descriptor(ds, desc)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("../secret.txt", "'../secret.txt' is not a plain file name"),
        ("/etc/passwd", "'/etc/passwd' is not a plain file name"),
        ("linked.txt", "resolves outside"),
        ("fifo.txt", "not a regular file (a FIFO)"),
    ],
)
def test_source_texts_are_never_read_outside_the_sources_folder(
    case: tuple[Path, Path], text: str, why: str
) -> None:
    ds, outside = case
    _sources(ds, text)
    (ds / "linked.txt").symlink_to(outside / "secret.txt")
    os.mkfifo(ds / "fifo.txt")
    r = chrono("validate", str(ds), "--sources", str(ds), "--format", "json")
    assert r.code == 1, r.err
    doc = json.loads(r.out)["datasets"][0]
    found = {rule["code"]: rule for rule in doc["rules"]}
    assert found["CHR803"]["count"] == 1
    assert why in found["CHR803"]["examples"][0]["message"]
    assert "secret words" not in r.out


def test_a_long_one_line_source_text_is_checked_in_bounded_memory(case: tuple[Path, Path]) -> None:
    """0.4 MB on one line, quotes at the wrong paragraph: once 4.5 GiB of numpy strings."""
    ds, _ = case
    (ds / "gazette.txt").write_text(("word " * 80_000) + "in 2019\n")
    r = chrono("validate", str(ds), "--sources", str(ds))  # under 3 GiB
    assert r.code == 1 and "Traceback" not in r.err, r.err
    assert "CHR802" in r.out or "CHR801" in r.out


def test_textconv_on_a_fifo_or_a_device_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.parquet")
    chrono("textconv", str(tmp_path / "x.parquet"), timeout=20).clean(
        3, "x.parquet: not a regular file (a FIFO)"
    )
    chrono("textconv", "/dev/zero", timeout=20).clean(3, "/dev/zero: not a regular file")
    chrono("diff", str(tmp_path / "x.parquet"), "/dev/zero", timeout=20).clean(3)


@pytest.mark.parametrize("engine", ["arrow", "duckdb"])
def test_diff_of_folders_reads_the_files_it_opened(tmp_path: Path, engine: str) -> None:
    """A build that replaces a dataset while ``chrono diff`` compares it (its old tables
    removed) changes nothing in the comparison: each side reads the tables and the metadata
    of the descriptor it read first, from the files it holds open."""
    import chrono
    from chrono import build as builder
    from chrono.diffing.render import text
    from chrono.diffing.sides import open_side

    old, new = copy_mini(tmp_path, "old"), copy_mini(tmp_path, "new")

    def retitle(before: str, after: str) -> None:
        ev = new / "events" / "meeting-2019.yaml"
        ev.write_text(ev.read_text().replace(f"title: {before}", f"title: {after}"))
        builder.write(new, builder.build(new))

    retitle("Earlier meeting", "Earlier talks")
    a, b = open_side(old, dataset=None), open_side(new, dataset=None)
    listed = table_file(new, "events")
    retitle("Earlier talks", "Later talks")
    assert not listed.exists()  # the build removed the table the diff holds
    report = chrono.diff(a, b, engine=engine).to_dict()
    assert text(report) == (
        f"--- {old}\n"
        f"+++ {new}\n"
        "events: 1 changed\n"
        "  ~ meeting-2019\n"
        '      title: "Earlier meeting" → "Earlier talks"\n'
    )
