"""CHR106: values that must match their column's pattern (ids, country codes, URLs,
languages) and locators that must be one of their forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.arrays import take_indices
from chrono.model.locators import LOCATOR, LocatorError
from chrono.model.locators import is_valid as is_locator
from chrono.model.locators import parse as parse_locator
from chrono.model.tables import SLUG
from chrono.validation.batch import Batch
from chrono.validation.findings import Message, emit
from chrono.validation.kernels import all_slugs, per_dictionary
from chrono.validation.registry import ERROR, per_batch
from chrono.validation.report import Report


@per_batch("CHR106", ERROR, "value does not match the column's pattern")
def value_does_not_match_pattern(t: Batch, out: Report) -> None:
    """Ids are lower-case slugs, country codes ISO 3166-1 alpha-2, URLs http(s), languages
    BCP 47 tags. Locators say what they point at: page 12, pages 12-15, paragraph 17,
    paragraphs 3-4, line 5, lines 5-9, section 2.3, folio 12r, folios 12r-13v, time 0:01:05
    or time 0:01:05-0:02:00; a range runs forwards."""
    for col in t.spec.columns:
        if not t.has(col.name) or not col.pattern:
            continue
        if col.pattern == LOCATOR:
            _locators(out, t, col.name)
        elif (ok := matches(t, col.name, col.pattern)) is not None:
            emit(
                out,
                "CHR106",
                t,
                pc.invert(pc.fill_null(ok, True)),
                col.name,
                _mismatch(col.name, col.pattern),
            )


def _mismatch(name: str, pattern: str) -> Message:
    return lambda r: f"{r[name]!r} does not match {pattern}"


def matcher(pattern: str) -> Callable[[pa.Array], pa.Array]:
    def match(values: pa.Array) -> pa.Array:
        out: pa.Array = pc.match_substring_regex(values, pattern)
        return out

    return match


def matches(t: Batch, col: str, pattern: str) -> pa.ChunkedArray | None:
    """Whether each row's value matches ``pattern``; None when every distinct value does."""
    arr = t.data.column(col)
    if pattern == SLUG and all(all_slugs(c) for c in arr.chunks):
        return None
    if pa.types.is_dictionary(arr.type):
        results = {id(r): r for r, _ in per_dictionary(arr, matcher(pattern))}.values()
        if all(pc.all(pc.fill_null(r, True)).as_py() is not False for r in results):
            return None
    return t.per_value(col, matcher(pattern))


def _valid_locators(values: pa.Array) -> pa.Array:
    """Whether each locator is well formed (once per distinct value)."""
    encoded = pc.dictionary_encode(values)
    ok = pa.array([is_locator(v) for v in encoded.dictionary.to_pylist()], pa.bool_())
    out: pa.Array = take_indices(ok, encoded.indices)
    return out


def _locators(out: Report, t: Batch, col: str) -> None:
    """Locators that are not one of the forms, or whose range runs backwards."""
    ok = t.per_value(col, _valid_locators)

    def message(row: dict[str, Any]) -> str:
        try:
            parse_locator(row[col])
        except LocatorError as exc:
            return str(exc)
        return f"{row[col]!r} is not a locator"  # pragma: no cover

    emit(out, "CHR106", t, pc.invert(pc.fill_null(ok, True)), col, message)
