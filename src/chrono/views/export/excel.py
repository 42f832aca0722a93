"""Excel (.xlsx) with openpyxl: an ``about`` sheet, then one sheet per table and ``event_claims``.

Dates in years 1900-9999 (Excel's range) are Excel dates; others (BCE, before 1900, past
9999) are ISO text (``-0043-03-15``); an open or unknown end's bound is empty, and the
EDTF column beside says which. Every text is a text cell, never a formula: a title
starting with ``=`` stays that text (no leading apostrophe is added; the cell's type says
it). Booleans are Excel booleans, coordinates numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono.model.tables import TABLE_NAMES
from chrono.views.data import FLAT, event_claims, null_open_bounds
from chrono.views.deps import require
from chrono.views.export import stream
from chrono.views.export.common import (
    ExportError,
    ExportResult,
    in_common_years,
    metadata,
    open_dataset,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from chrono.dataset import Dataset

MAX_ROWS = 1_048_576  # per sheet, the header included
MAX_CELL = 32_767  # characters in one cell
#: The control characters XML 1.0 forbids (tab, line feed and carriage return are allowed):
#: openpyxl's ``ILLEGAL_CHARACTERS_RE``, as a pattern both ``re`` and Arrow's RE2 read.
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
EPOCH = dt.date(1970, 1, 1)
FIRST_EXCEL = dt.date(1900, 1, 1)
DATE_FORMAT = "yyyy-mm-dd"
ABOUT = (
    "Dates: an EDTF column (date, value, published, retrieved) holds the value as "
    "recorded; its bounds (earliest, latest) are Excel dates in years 1900-9999, ISO text "
    "otherwise (-0043-03-15 is 15 March 44 BCE), empty for an open or unknown end."
)


def _columns(table: pa.Table) -> list[list[Any]]:
    """Each column as Python values; dates as ``date`` or ISO text when Excel cannot hold them."""
    import pyarrow as pa

    from chrono.model.dates import format_day

    out = []
    for i, field in enumerate(table.schema):
        col = table.column(i)
        if pa.types.is_date32(field.type):
            values: list[Any] = []
            for d in col.cast(pa.int32()).to_pylist():
                if d is None:
                    values.append(None)
                    continue
                day = EPOCH + dt.timedelta(days=d) if in_common_years(d) else None
                values.append(day if day is not None and day >= FIRST_EXCEL else format_day(d))
            out.append(values)
        else:
            out.append(col.to_pylist())
    return out


def _unfit(text: str) -> str | None:
    """Why ``text`` cannot be an Excel cell, or None."""
    if len(text) > MAX_CELL:
        return "is too long"
    return "has a control character" if re.search(CONTROL, text) else None


def check_sheet(name: str, table: pa.Table) -> None:
    """Raise :class:`ExportError` for a table Excel cannot hold: too many rows, or a text
    too long for a cell or with a control character XML forbids (the first such cell, in
    reading order). Checked before the workbook is made, so a failure leaves nothing half
    written (openpyxl's write-only sheets cannot be abandoned cleanly)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if table.num_rows + 1 > MAX_ROWS:
        raise ExportError(
            f"{name}: {table.num_rows} rows; an Excel sheet holds at most {MAX_ROWS - 1} "
            "(use csv or sqlite)"
        )
    first: tuple[int, str] | None = None  # (row, column)
    for field in table.schema:
        col = table.column(field.name)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        if not pa.types.is_string(col.type):
            continue
        bad = pc.or_(
            pc.greater(pc.utf8_length(col), MAX_CELL), pc.match_substring_regex(col, CONTROL)
        )
        row = pc.index(pc.fill_null(bad, False), True).as_py()
        if row >= 0 and (first is None or row < first[0]):
            first = (row, field.name)
    if first is not None:
        row, column = first
        why = _unfit(table.column(column)[row].as_py())
        raise ExportError(f"{name} row {row + 1}, {column}: the text {why} for an Excel cell")


def _write_sheet(wb: Any, name: str, table: pa.Table) -> None:
    """Write a table :func:`check_sheet` has passed."""
    from openpyxl.cell import WriteOnlyCell

    ws = wb.create_sheet(name)
    ws.freeze_panes = "A2"
    header = []
    for field in table.schema.names:
        cell = WriteOnlyCell(ws, value=field)
        cell.font = _bold()
        header.append(cell)
    ws.append(header)
    for part in stream.slices(null_open_bounds(table)):  # a batch of rows as Python values
        columns = _columns(part)
        for r in range(part.num_rows):
            row: list[Any] = []
            for values in columns:
                v = values[r]
                if isinstance(v, str):
                    if v[:1] == "=":  # text, not a formula
                        cell = WriteOnlyCell(ws, value=v)
                        cell.data_type = "s"
                        v = cell
                elif isinstance(v, dt.date):
                    cell = WriteOnlyCell(ws, value=v)
                    cell.number_format = DATE_FORMAT
                    v = cell
                row.append(v)
            ws.append(row)


def _bold() -> Any:
    from openpyxl.styles import Font

    return Font(bold=True)


def to_xlsx(
    dataset: str | Path | Dataset, path: str | Path, *, force: bool = False
) -> ExportResult:
    """An Excel workbook: ``about``, the six tables and ``event_claims``, one sheet each."""
    openpyxl = require("openpyxl")
    ds, tables = open_dataset(dataset)
    tables[FLAT] = event_claims(tables)
    result = ExportResult("xlsx", Path(path))
    about = [[key, value] for key, value in metadata(ds).items()]
    for key, value in about:
        if isinstance(value, str) and (why := _unfit(value)) is not None:
            raise ExportError(f"about, {key}: the text {why} for an Excel cell")
    for name in (*TABLE_NAMES, FLAT):
        check_sheet(name, tables[name])
    wb = openpyxl.Workbook(write_only=True)
    sheet = wb.create_sheet("about")
    for row in [*about, ["dates", ABOUT]]:
        sheet.append(row)
    for name in (*TABLE_NAMES, FLAT):
        _write_sheet(wb, name, tables[name])
        result.rows[name] = tables[name].num_rows
    from chrono.safeio import output_file

    with output_file(path, force=force) as fh:
        wb.save(fh)
    return result
