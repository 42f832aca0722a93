"""A stable text form of one Parquet table, for git's ``textconv`` diff driver."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono import safeio
from chrono.commit import table_of
from chrono.diffing.arrays import to_np
from chrono.diffing.core import DiffError
from chrono.diffing.inputs import parquet_from_bytes
from chrono.diffing.render import table_text
from chrono.diffing.report import rows_at
from chrono.model.schema import not_utf8
from chrono.model.tables import TABLES

#: Rows turned into text at a time.
BATCH_ROWS = 10_000


def render_file(path: Path) -> str:
    """The text of a Parquet table (see :func:`render_parts`)."""
    return "".join(render_parts(path))


def render_parts(path: Path) -> Iterator[str]:
    """The text of a Parquet table, :data:`BATCH_ROWS` rows at a time (read through
    :mod:`chrono.safeio`: a regular file under the size cap, so a FIFO or a device is
    refused at once). Problems raise before the first part."""
    try:
        blob = safeio.read_bytes(path, kind="parquet")
    except safeio.InputError as exc:
        raise DiffError(str(exc)) from None
    if not blob:  # git hands an empty file for a side that does not exist
        return
    table = parquet_from_bytes(blob, str(path))
    if (column := not_utf8(table)) is not None:
        raise DiffError(f"{path}: column {column!r} holds text that is not UTF-8")
    meta = table.schema.metadata or {}
    name = meta.get(b"chrono:table", b"").decode("utf-8", "replace") or table_of(path.name)
    spec = TABLES.get(name)
    keys = [k for k in spec.primary_key if k in table.column_names] if spec else []
    keys = keys or list(table.column_names)
    # rows sorted by the key, or (another table) by every column that can be sorted: a
    # list or struct cannot, and a table of only such columns keeps its order
    by = [k for k in keys if _sortable(table.schema.field(k).type)]
    if by:
        columns = [_plain(table.column(k)) for k in by]
        order = pc.sort_indices(pa.table(columns, names=by), [(k, "ascending") for k in by])
        idx = to_np(order)
    else:
        idx = np.arange(table.num_rows)
    for start in range(0, len(idx), BATCH_ROWS):
        part = idx[start : start + BATCH_ROWS]
        yield table_text(name, keys, rows_at(table, part, table.column_names))


def _sortable(typ: pa.DataType) -> bool:
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    return not (pa.types.is_nested(typ) or pa.types.is_null(typ))


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column
