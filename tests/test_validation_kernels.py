"""The validator's lookups and kernels against plain Python on the same values."""

from __future__ import annotations

import itertools
from unittest.mock import patch

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.model.arrays import fixed_width_integers, from_bools, take_indices, to_bools
from chrono.validation import id_index, kernels
from chrono.validation.id_index import KeyIndex, longest_run
from chrono.validation.kernels import run_starts, take_rows


def rows_of(ids: list[str], values: list[str | None]) -> list[int | None]:
    """Each value's row among ``ids`` (the first, when an id repeats), or None."""
    first: dict[str, int] = {}
    for i, v in enumerate(ids):
        first.setdefault(v, i)
    return [None if v is None else first.get(v) for v in values]


def index(ids: list[str]) -> KeyIndex:
    sorted_unique = all(a < b for a, b in itertools.pairwise(ids))
    return KeyIndex(pa.chunked_array([pa.array(ids, pa.string())]), sorted_unique)


_ids = st.lists(st.integers(0, 60), max_size=40).map(lambda xs: [f"id-{x:03d}" for x in xs])
_value = st.one_of(st.integers(0, 70).map(lambda x: f"id-{x:03d}"), st.none())


@settings(max_examples=300, deadline=None)
@given(ids=_ids, values=st.lists(_value, max_size=60), sort_ids=st.booleans(), runs=st.booleans())
def test_lookup_is_the_first_row_of_each_value(
    ids: list[str], values: list[str | None], sort_ids: bool, runs: bool
) -> None:
    if sort_ids:
        ids = sorted(set(ids))
    if runs:  # sorted, repeated: as claims reference their events
        values = sorted((v for v in values if v is not None), key=str) * 2
        values.sort()
    column = pa.chunked_array([pa.array(values, pa.string())], pa.string())
    got = index(ids).lookup(column).to_pylist() if ids else [None] * len(values)
    assert got == rows_of(ids, values)
    as_dictionary = pa.chunked_array([pa.array(values, pa.string()).dictionary_encode()])
    if ids:
        assert index(ids).lookup(as_dictionary).to_pylist() == rows_of(ids, values)


def test_long_columns_take_each_path_and_agree() -> None:
    """Past the first 4,096 rows: runs of consecutive ids (a sorted table's claims), runs
    that skip ids, and a column without runs (sources cited at random)."""
    ids = [f"e{i:07d}" for i in range(20_000)]
    idx = index(ids)
    rng = np.random.default_rng(7)
    consecutive = [ids[i // 3] for i in range(30_000)]
    skipping = [ids[2 * (i // 3)] for i in range(15_000)] + ["nope"] * 2
    scattered = [ids[i] for i in rng.integers(0, 20_000, 12_000)] + ["nope", None]
    at_end = consecutive[-5_000:] + [ids[-1]] * 3
    for values in (consecutive, skipping, scattered, at_end):
        column = pa.chunked_array([pa.array(values, pa.string())])
        assert idx.lookup(column).to_pylist() == rows_of(ids, values)
    assert idx.lookup(pa.chunked_array([pa.array(consecutive)])).type == pa.int32()


_short = st.text(alphabet="abé", min_size=1, max_size=5)  # "é": two bytes


@settings(max_examples=300, deadline=None)
@given(
    ids=st.lists(st.one_of(_short, st.none()), max_size=30),
    values=st.lists(_short, min_size=1, max_size=40),
    width=st.integers(1, 9),
    chunked=st.booleans(),
)
def test_values_of_one_width_are_looked_up_as_integers(
    ids: list[str | None], values: list[str], width: int, chunked: bool
) -> None:
    """Values all of one width up to 8 bytes are found among ids of any width (nulls and
    repeated ids included) as the strings are; other values take the strings' path."""
    values = [v for v in values if len(v.encode()) == width] or ["x" * width]
    column = pa.chunked_array(
        [pa.array(values[:1], pa.string()), pa.array(values[1:], pa.string())]
        if chunked
        else [pa.array(values, pa.string())],
        pa.string(),
    )
    idx = KeyIndex(pa.chunked_array([pa.array(ids, pa.string())]), False)
    first: dict[str, int] = {}
    for i, v in enumerate(ids):
        if v is not None:
            first.setdefault(v, i)
    expected = [first.get(v) for v in values]
    fast = idx.find_fixed_width(column)
    if width > 8:
        assert fast is None
    else:
        assert fast is not None and fast.to_pylist() == expected
    if ids:
        assert idx.lookup(column).to_pylist() == expected


def test_integer_rows_find_the_first_row_of_each_id_among_many() -> None:
    """Ids such as a large table's (s0000000 to s0099999, a few repeated, rows of other
    widths between them) are found at their first row; other values, zero included, at none."""
    ids = [f"s{i:07d}" for i in range(100_000)]
    ids[500] = ids[7]  # a repeated id: its first row, 7
    ids[900] = "longer-id"
    index = KeyIndex(pa.chunked_array([pa.array(ids, pa.string())]), False)
    rng = np.random.default_rng(3)
    picks = rng.integers(0, 100_000, 50_000)
    values = [ids[i] for i in picks if i != 900] + [ids[500], "s9999999", "\x00" * 8]
    got = index.find_fixed_width(pa.chunked_array([pa.array(values, pa.string())]))
    assert got is not None and got.type == pa.int32()
    assert got.to_pylist() == rows_of(ids, values)
    assert got.to_pylist()[-2:] == [None, None]


def test_ids_that_make_a_long_run_of_slots_are_looked_up_by_arrow() -> None:
    """Ids that land in one slot (here by a multiplier of 1: ids differing in their first
    bytes only, the low bits of their integers) would make every lookup walk a long run:
    the table says it is not usable, and the ids are found as strings."""
    ids = [f"{k:03d}zzzzz" for k in range(300)]
    values = pa.chunked_array([pa.array([ids[5], ids[299], "999zzzzz"])])
    with patch.object(id_index, "multiplier", lambda: np.uint64(1)):
        index = KeyIndex(pa.chunked_array([pa.array(ids)]), True)
        assert index.find_fixed_width(values) is None
        assert index.lookup(values).to_pylist() == [5, 299, None]
    assert KeyIndex(pa.chunked_array([pa.array(ids)]), True).find_fixed_width(values) is not None


def test_longest_run_goes_round_the_end() -> None:
    def run(flags: str) -> int:
        return longest_run(np.array([f == "x" for f in flags]))

    assert [run("xx.xxx"), run("x.x"), run("..."), run("xxx"), run(".xx.")] == [5, 2, 0, 3, 2]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), max_size=70), st.integers(0, 9))
def test_from_bools_is_pa_array_and_to_bools_undoes_it(values: list[bool], start: int) -> None:
    mask = np.array(values, dtype=bool)[start:]
    got = from_bools(mask)
    assert got.equals(pa.array(mask, pa.bool_()))
    assert to_bools(got).tolist() == mask.tolist()


def test_fixed_width_integers_only_for_set_values_of_one_short_width() -> None:
    same = fixed_width_integers(pa.array(["s001", "s002", "s001", "éé"]).slice(1))
    assert same is not None
    width, ints = same
    assert width == 4 and ints[0] != ints[1] and ints[0] == int.from_bytes(b"s002", "little")
    assert fixed_width_integers(pa.array(["s0000001", "s0000002"]))[1].tolist() == [  # type: ignore[index]
        int.from_bytes(b"s0000001", "little"),
        int.from_bytes(b"s0000002", "little"),
    ]
    widths = (["ab", "abc"], ["ab", "a", "abc"], ["ab", None], ["", ""], ["abcdefghi"], [])
    for other in widths:
        assert fixed_width_integers(pa.array(other, pa.string())) is None, other
    assert fixed_width_integers(pa.array([1, 2])) is None


def test_run_starts_marks_the_first_of_equal_neighbours() -> None:
    values = pa.chunked_array([["a", "a", None, None, "b"], ["b", "a"]])
    assert run_starts(values).tolist() == [True, False, True, True, True, False, True]


_text = st.one_of(st.none(), st.text(alphabet="abc-é", max_size=4))


@settings(max_examples=200, deadline=None)
@given(
    chunks=st.lists(st.lists(_text, max_size=6), min_size=1, max_size=5),
    data=st.data(),
)
def test_take_rows_is_arrows_take(chunks: list[list[str | None]], data: st.DataObject) -> None:
    values = pa.chunked_array([pa.array(c, pa.string()) for c in chunks], pa.string())
    n = len(values)
    row = st.integers(0, n - 1) if n else st.nothing()
    rows = data.draw(st.lists(st.one_of(row, st.none()), max_size=12))
    at = pa.array(rows, pa.int64())
    assert take_rows(values, at).to_pylist() == [
        None if r is None else values[r].as_py() for r in rows
    ]


def test_take_rows_from_many_chunks_keeps_order_and_nulls() -> None:
    values = pa.chunked_array([[f"id-{i}-{j}" for j in range(3)] for i in range(50)])
    at = pa.array([149, 0, None, 74, 75, 0], pa.int32())
    got = take_rows(values, at).to_pylist()
    assert got == ["id-49-2", "id-0-0", None, "id-24-2", "id-25-0", "id-0-0"]
    with pytest.raises(IndexError):
        take_rows(values, pa.array([150]))


@pytest.mark.parametrize(
    ("middle", "expected"),
    [("ab-cd", True), ("ab--cd", False), ("abAcd", False), ("ab_cd", False)],
)
@pytest.mark.parametrize("shift", range(-3, 2))
def test_slug_bytes_are_judged_across_the_blocks(middle: str, expected: bool, shift: int) -> None:
    """A byte or a pair of hyphens on the border of two blocks of ``SLUG_BLOCK`` bytes is
    judged as anywhere else."""
    from chrono.validation.kernels import SLUG_BLOCK, all_slugs, slug_bytes

    at = SLUG_BLOCK + shift  # where the middle value starts
    values = ["x" * (at - 1), middle, "y" * 10]  # a first value of at - 1 bytes, then a "-"
    body = "-".join(values).encode()
    assert slug_bytes(np.frombuffer(body, dtype=np.uint8)) is expected
    assert all_slugs(pa.array(values)) is expected
    assert slug_bytes(np.frombuffer(b"a" * (3 * SLUG_BLOCK), dtype=np.uint8)) is True


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.text(max_size=3), min_size=1, max_size=20),
    positions=st.lists(st.one_of(st.integers(0, 19), st.none()), max_size=40),
    width=st.sampled_from([pa.int8(), pa.int32(), pa.int64()]),
)
def test_take_indices_is_arrows_take(
    values: list[str], positions: list[int | None], width: pa.DataType
) -> None:
    at = [None if p is None else p % len(values) for p in positions]
    indices = pa.array(at, width)
    got = take_indices(pa.array(values, pa.string()), indices)
    assert got.to_pylist() == [None if p is None else values[p] for p in at]


@pytest.mark.parametrize("bad", [[0, 3], [-1, 0], [None, 3]])
def test_take_indices_out_of_bounds_is_arrows_error(bad: list[int | None]) -> None:
    with pytest.raises(IndexError, match="out of bounds"):
        take_indices(pa.array(["a", "b", "c"]), pa.array(bad, pa.int32()))


@settings(max_examples=300, deadline=None)
@given(
    chunks=st.lists(st.lists(st.one_of(st.booleans(), st.none()), max_size=40), max_size=4),
    start=st.integers(0, 20),
    length=st.integers(0, 120),
)
def test_to_bools_is_arrows_conversion_with_nulls_false(
    chunks: list[list[bool | None]], start: int, length: int
) -> None:
    column = pa.chunked_array([pa.array(c, pa.bool_()) for c in chunks], pa.bool_())
    sliced = column.slice(min(start, len(column)), length)  # offsets that are not a byte's
    expected = [bool(v) for v in sliced.to_pylist()]
    got = to_bools(sliced)
    assert got.dtype == np.bool_ and got.tolist() == expected
    if sliced.num_chunks == 1:
        assert to_bools(sliced.chunk(0)).tolist() == expected


def test_to_bools_of_a_column_of_nulls_only() -> None:
    assert to_bools(pa.nulls(3)).tolist() == [False, False, False]
    assert to_bools(pa.chunked_array([], pa.bool_())).tolist() == []


@settings(max_examples=300, deadline=None)
@given(
    rows=st.integers(1, 3).flatmap(
        lambda width: st.lists(
            st.tuples(*[st.integers(0, 3)] * width).map(list), min_size=0, max_size=30
        )
    ),
    block=st.integers(1, 5),
    data=st.data(),
)
def test_increasing_integers_is_pythons_tuple_order_across_blocks(
    rows: list[list[int]], block: int, data: st.DataObject
) -> None:
    if rows and data.draw(st.booleans()):
        rows = sorted({tuple(r): r for r in rows}.values())  # sorted and distinct: true
    width = len(rows[0]) if rows else 1
    cols = [np.array([r[i] for r in rows], dtype=np.int32) for i in range(width)]
    expected = all(a < b for a, b in itertools.pairwise(rows))
    with patch.object(kernels, "ORDER_BLOCK", block):
        assert kernels.increasing_integers(cols) is expected
        arrow = [pa.chunked_array([pa.array(c)]) for c in cols]
        assert kernels.strictly_increasing(arrow) is expected
