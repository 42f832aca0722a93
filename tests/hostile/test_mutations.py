"""A mutator of YAML, descriptor and Parquet bytes (hypothesis): whatever the input, chrono
answers with an exit code and at most one line, in bounded time and memory, changes
nothing outside the dataset, and a failed build leaves the previous one.

The examples are derandomised so CI is stable; ``CHRONO_FUZZ_EXAMPLES=500`` (and
``CHRONO_FUZZ_RANDOM=1``) runs a longer, random campaign by hand.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import table_file
from harness import Tree, build_state, chrono, copy_mini

EXAMPLES = int(os.environ.get("CHRONO_FUZZ_EXAMPLES", "8"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("CHRONO_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Bytes that mean something to YAML, JSON, Parquet readers, terminals or file systems.
SPECIAL = [
    b"&a ", b"*a", b"!!python/object/apply:os.system ['true'] ", b"<<: *a", b"\x00", b"\xff",
    b"[", b"{", b"'", b'"', b"\n  - ", b": ", b"%YAML 1.1\n---\n", b"\t", b"\r", b"\xef\xbb\xbf",
    b"\x1b[31m", b"../../", b"/dev/zero", b"PAR1", b"\n::error::x\n", b"[" * 200,
]  # fmt: skip

MUTATION = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1, exclude_max=True), st.integers(1, 255)),
    st.tuples(
        st.just("insert"),
        st.floats(0, 1),
        st.binary(min_size=1, max_size=16) | st.sampled_from(SPECIAL),
    ),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 200)),
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("repeat"), st.floats(0, 1), st.integers(1, 40), st.integers(2, 500)),
)


def mutate(blob: bytes, ops: list[tuple[Any, ...]]) -> bytes:
    data = bytearray(blob)
    for op, where, *args in ops:
        i = int(where * len(data)) if data else 0
        if op == "flip" and data:
            data[min(i, len(data) - 1)] ^= args[0]
        elif op == "insert":
            data[i:i] = args[0]
        elif op == "delete":
            del data[i : i + args[0]]
        elif op == "truncate":
            del data[i:]
        elif op == "repeat":
            data[i:i] = bytes(data[i : i + args[0]]) * args[1]
    return bytes(data)


CURATED = [
    "dataset.yaml",
    "sources.yaml",
    "actors.yaml",
    "places.yaml",
    "events/meeting-2019.yaml",
    "events/meeting-2020.yaml",
    "events/summit-2020.yaml",
]


@FUZZ
@given(file=st.sampled_from(CURATED), ops=st.lists(MUTATION, min_size=1, max_size=3))
def test_mutated_yaml(file: str, ops: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ds = copy_mini(Path(tmp))
        path = ds / file
        path.write_bytes(mutate(path.read_bytes(), ops))
        outside = Tree(Path(tmp), skip=ds)
        before = build_state(ds)
        r = chrono("build", str(ds))
        assert r.code in (0, 1, 3), r.err
        r.clean(r.code)
        if r.code != 0:
            assert build_state(ds) == before
        v = chrono("validate", str(ds))
        v.clean(v.code)
        assert v.code in (0, 1, 3) and (r.code != 0 or v.code == 0)
        outside.unchanged()


@FUZZ
@given(ops=st.lists(MUTATION, min_size=1, max_size=3))
def test_mutated_descriptor_bytes(ops: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ds = copy_mini(Path(tmp))
        path = ds / "datapackage.json"
        path.write_bytes(mutate(path.read_bytes(), ops))
        tree = Tree(Path(tmp))
        for args in (("validate", str(ds)), ("info", "-d", str(ds))):
            r = chrono(*args)
            assert r.code in (0, 1, 3), (args, r.err)
            r.clean(r.code)
        tree.unchanged()


HOSTILE_TEXT = ["../x", "/etc/passwd", "data", "", "data/../../x", "x\x00y", "md5:00"]
HOSTILE_TEXT += ["sha256:" + "0" * 64, "events", "claims", "data/nope.parquet"]
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
JSON_VALUES = st.recursive(
    SCALARS | st.text(max_size=8) | st.sampled_from(HOSTILE_TEXT),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
KEYS = ["name", "path", "hash", "bytes", "rows", "schema", "profile", None]


@FUZZ
@given(
    where=st.lists(
        st.tuples(st.integers(0, 7), st.sampled_from(KEYS), JSON_VALUES), min_size=1, max_size=3
    ),
    top=st.sampled_from(["licenses", "name", "chrono", "resources", "title", None]),
    value=JSON_VALUES,
)
def test_mutated_descriptor_fields(
    where: list[tuple[int, str | None, Any]], top: str | None, value: Any
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ds = copy_mini(Path(tmp))
        path = ds / "datapackage.json"
        desc = json.loads(path.read_text())
        resources = desc["resources"]
        for i, key, v in where:
            if i >= len(resources):
                resources.append(v)
            elif key is None:
                resources[i] = v
            elif isinstance(resources[i], dict):
                resources[i][key] = v
        if top is not None:
            desc[top] = value
        path.write_text(json.dumps(desc))
        tree = Tree(Path(tmp))
        for args in (("validate", str(ds)), ("list", str(ds))):
            r = chrono(*args)
            assert r.code in (0, 1, 3), (args, r.err)
            r.clean(r.code)
        tree.unchanged()


@FUZZ
@given(
    table=st.sampled_from(["events", "claims", "sources", "participants", "actors", "places"]),
    ops=st.lists(MUTATION, min_size=1, max_size=2),
)
def test_mutated_parquet(table: str, ops: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ds = copy_mini(Path(tmp))
        path = table_file(ds, table)
        before = path.read_bytes()
        after = mutate(before, ops)
        path.write_bytes(after)
        tree = Tree(Path(tmp))
        r = chrono("validate", str(ds))
        changed = after != before  # two flips of one byte undo each other
        assert r.code in ((1, 3) if changed else (0,)), r.err  # changed: the sha256 differs
        r.clean(r.code)
        t = chrono("textconv", str(path))
        assert t.code in (0, 3)
        t.clean(t.code)
        tree.unchanged()
