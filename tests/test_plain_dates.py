"""The plain forms read from bytes (chrono.model.plain_dates) agree with the parser."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.model.dates import EDTFError, parse
from chrono.model.plain_dates import read_plain
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
