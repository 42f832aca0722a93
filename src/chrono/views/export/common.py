"""What every export shares: its result, its error, dates as text, the dataset's tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono.model.calendars import civil_from_days
from chrono.views.data import FIRST_COMMON_DAY, LAST_COMMON_DAY, read_tables

if TYPE_CHECKING:
    import pyarrow as pa

    from chrono.dataset import Dataset


class ExportError(Exception):
    """The data cannot be written in the format asked for; the message is one line."""


@dataclass
class ExportResult:
    """What an export wrote: where, how many rows per table, and what it had to say."""

    format: str
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        counts = ", ".join(f"{n} {t}" for t, n in self.rows.items())
        return f"{self.path}: {self.format}, {counts}" + "".join(f"; {n}" for n in self.notes)


def open_dataset(dataset: str | Path | Dataset) -> tuple[Dataset, dict[str, pa.Table]]:
    """The dataset and its six tables, read from the files it holds (a dataset opened here
    is closed once they are read; its descriptor stays)."""
    from chrono.dataset import opened

    with opened(dataset) as ds:
        return ds, read_tables(ds)


def metadata(ds: Dataset) -> dict[str, Any]:
    """Name, title, version and licence of a dataset, and what a reader of an export needs
    to cite it (those the descriptor states): description, creators, keywords, release
    date, DOI, its address, and the citation ``chrono cite`` gives. Every value is text
    (a list joined), so that every format can hold it."""
    from chrono import citation
    from chrono._version import __version__

    desc = ds.descriptor
    licenses = [x.get("name") for x in desc.get("licenses", []) if isinstance(x, dict)]
    block, listed = desc.get("chrono"), desc.get("keywords")
    meta: dict[str, Any] = block if isinstance(block, dict) else {}
    keywords: list[Any] = listed if isinstance(listed, list) else []
    more = {
        "description": desc.get("description")
        if isinstance(desc.get("description"), str)
        else None,
        "creators": "; ".join(c["name"] for c in citation.creators(desc)) or None,
        "keywords": ", ".join(str(k) for k in keywords if isinstance(k, str)) or None,
        "released": meta.get("released") if isinstance(meta.get("released"), str) else None,
        "doi": meta.get("doi") if isinstance(meta.get("doi"), str) else None,
        "url": citation.link(desc),
        "citation": citation.plain(desc, __version__),
    }
    return {
        "name": ds.name,
        "title": desc.get("title") or ds.name,
        "version": ds.version,
        "license": ", ".join(str(x) for x in licenses if x) or None,
        **{key: value for key, value in more.items() if value},
    }


def in_common_years(days: int) -> bool:
    """A day in years 1-9999: what ``datetime.date``, Excel and iCalendar can hold."""
    return FIRST_COMMON_DAY <= days <= LAST_COMMON_DAY


def all_common(arr: pa.ChunkedArray | pa.Array) -> bool:
    """Every non-null date of a ``date32`` column is in years 1-9999."""
    import pyarrow as pa
    import pyarrow.compute as pc

    days = arr.cast(pa.int32())
    if days.null_count == len(days):
        return True
    lo, hi = pc.min_max(days).values()
    return bool(lo.as_py() >= FIRST_COMMON_DAY and hi.as_py() <= LAST_COMMON_DAY)


def iso_dates(arr: pa.ChunkedArray | pa.Array) -> pa.Array | pa.ChunkedArray:
    """``date32`` -> ISO 8601 text: ``2019-06-05``, ``-0043-03-15``, ``+12345-01-01``.

    Arrow's own cast where every date is in years 1-9999; else the civil date of each day
    computed with numpy (:func:`chrono.model.calendars.civil_from_days` on the array, for
    any ``date32``) and the text joined with Arrow kernels: no loop over rows.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if all_common(arr):
        return arr.cast(pa.string())
    days = arr.cast(pa.int32())
    if isinstance(days, pa.ChunkedArray):
        days = days.combine_chunks()
    z = days.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    civil: Callable[[np.ndarray], tuple[np.ndarray, ...]] = civil_from_days  # type: ignore[assignment]
    year, month, day = civil(z)  # elementwise

    def digits(values: np.ndarray, width: int) -> pa.Array:
        return pc.utf8_lpad(pa.array(values).cast(pa.string()), width, "0")

    sign = pc.if_else(pa.array(year < 0), "-", pc.if_else(pa.array(year > 9999), "+", ""))
    text = pc.binary_join_element_wise(
        sign, digits(np.abs(year), 4), "-", digits(month, 2), "-", digits(day, 2), ""
    )
    return pc.if_else(days.is_valid(), text, pa.scalar(None, pa.string()))


def dates_as_text(table: pa.Table) -> pa.Table:
    """Every ``date32`` column of ``table`` as ISO text (JSON, NDJSON)."""
    import pyarrow as pa

    for i, f in enumerate(table.schema):
        if pa.types.is_date32(f.type):
            table = table.set_column(i, f.name, iso_dates(table.column(i)))
    return table
