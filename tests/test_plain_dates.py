"""The plain forms read from bytes (chrono.model.plain_dates) agree with the parser."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.model.dates import EDTFError, parse
from chrono.model.plain_dates import plain_days, read_plain
from chrono.model.vocab import PRECISION_ORDER

_DAY = r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
#: the plain forms as the regular expressions that define them
PLAIN = re.compile(rf"{_DAY}|{_DAY}/{_DAY}|[0-9]{{4}}|[0-9]{{4}}-(0[1-9]|1[0-2])")


def expected(value: str | None) -> tuple[bool, int, int, int]:
    """(plain, earliest, latest, precision rank): plain when the value has a plain form and
    the parser takes it."""
    if value is None or not PLAIN.fullmatch(value):
        return False, 0, 0, 0
    try:
        b = parse(value)
    except EDTFError:
        return False, 0, 0, 0
    return True, b.earliest, b.latest, PRECISION_ORDER.index(b.precision)


def got(values: list[str | None]) -> list[tuple[bool, int, int, int]]:
    p = read_plain(pa.array(values, pa.string()))
    return [
        (
            bool(p.plain[i]),
            *(int(a[i]) if p.plain[i] else 0 for a in (p.earliest, p.latest, p.rank)),
        )
        for i in range(len(values))
    ]


def test_each_form_and_the_values_that_only_look_plain() -> None:
    values = [
        "2019",
        "0000",
        "2019-02",
        "2019-12",
        "2019-02-28",
        "2020-02-29",
        "2023-03-20/2023-03-22",
        "2023-03-22/2023-03-22",
        # the shape of a plain form, not a real date: for the parser
        "2019-02-29",
        "1900-02-29",
        "2019-04-31",
        "2023-03-22/2023-03-20",
        "2019-00",
        "2019-13",
        "2019-01-00",
        "2019-01-32",
        # other forms, and bytes that are not digits
        "-0044",
        "201X",
        "2019?",
        " 2019",
        "2019-1-01",
        "2019/01/01",
        "２０１９",
        "2023-03-20/2023-03-2x",
        "2023-03-20-2023-03-22",
        "",
        None,
    ]
    assert got(values) == [expected(v) for v in values]
    assert [v for v, g in zip(values, got(values), strict=True) if g[0]] == values[:8]


def test_a_slice_is_read_from_its_own_offset() -> None:
    values = pa.array(["x", "2019", "2019-02", "y"]).slice(1, 2)
    p = read_plain(values)
    assert p.plain.tolist() == [True, True]
    assert p.rank.tolist() == [PRECISION_ORDER.index("year"), PRECISION_ORDER.index("month")]
    assert read_plain(pa.array([], pa.string())).plain.dtype == np.dtype(bool)


_digit = st.sampled_from("0123456789")
_noise = st.sampled_from("0123456789-/X ")
_plainish = st.one_of(
    *(
        st.lists(st.one_of(_digit, _digit, _digit, _noise), min_size=n, max_size=n).map("".join)
        for n in (4, 7, 10, 21)
    ),
    st.tuples(st.integers(0, 9999), st.integers(0, 19), st.integers(0, 39)).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"
    ),
    st.tuples(st.integers(0, 9999), st.integers(0, 19)).map(lambda t: f"{t[0]:04d}-{t[1]:02d}"),
    st.dates().map(lambda d: d.isoformat()),
    st.tuples(st.dates(), st.dates()).map(lambda t: f"{t[0].isoformat()}/{t[1].isoformat()}"),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_plainish, st.none()), min_size=1, max_size=12))
def test_read_plain_agrees_with_the_parser(values: list[str | None]) -> None:
    assert got(values) == [expected(v) for v in values]


def test_plain_days_reads_days_and_intervals_of_two_days_by_arrow() -> None:
    values = pa.array(
        ["2023-03-20", "2023-03-20/2023-03-22", None, "2019", "2023-03-22/2023-03-20", "2020-02-29"]
    )
    ok, lo, hi = plain_days(values)
    assert ok.tolist() == [True, True, False, False, False, True]
    assert [int(x) for x in lo[ok]] == [19436, 19436, 18321]
    assert [int(x) for x in hi[ok]] == [19436, 19438, 18321]
    # a slice is read from its own offset, every value a day or an interval, or not
    for sliced in (values.slice(1, 1), values.slice(0, 2), pa.array(["x", "2023-03-20"]).slice(1)):
        ok, lo, hi = plain_days(sliced)
        assert ok.all() and lo[-1] == 19436 and hi[-1] in (19436, 19438), sliced


def test_a_day_arrow_refuses_leaves_its_group_to_the_parser() -> None:
    # 1900-02-29 is no day: the days (length 10) are not read here; the intervals are
    values = pa.array(["2019-01-01", "1900-02-29", "2019-01-01/2019-01-02", "2019-1-01"])
    ok, _, _ = plain_days(values)
    assert ok.tolist() == [False, False, True, False]
    # the year 0000 (1 BC) and a leap day of the proleptic calendar, as read_plain reads them
    ok, lo, _ = plain_days(pa.array(["0000-01-01", "0000-02-29", "0400-02-29"]))
    assert ok.tolist() == [True, True, True]
    assert lo.tolist() == [-719528, -719469, -573372]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_plainish, st.none()), min_size=1, max_size=12))
def test_plain_days_agrees_with_read_plain(values: list[str | None]) -> None:
    """A value plain_days reads is a plain day or interval of days with the same bounds;
    when every value is one of those (years 0001 on), it reads them all."""
    ok, lo, hi = plain_days(pa.array(values, pa.string()))
    want = got(values)
    rank = PRECISION_ORDER.index("day")
    for i in np.flatnonzero(ok):
        assert want[i] == (True, int(lo[i]), int(hi[i]), rank)
    if all(w[0] and w[3] == rank for w in want):
        assert ok.all()
