"""Excel (.xlsx) with openpyxl: an ``about`` sheet, then one sheet per table and ``event_claims``.

Dates in years 1900-9999 (Excel's range) are Excel dates; others (BCE, before 1900, past
9999) are ISO text (``-0043-03-15``); an open or unknown end's bound is empty, and the
EDTF column beside says which. Every text is a text cell, never a formula: a title
starting with ``=`` stays that text (no leading apostrophe is added; the cell's type says
it). Booleans are Excel booleans, coordinates numbers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono.model.tables import TABLE_NAMES
from chrono.views.data import FLAT, event_claims, null_open_bounds
from chrono.views.deps import require
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


def _write_sheet(wb: Any, name: str, table: pa.Table) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if table.num_rows + 1 > MAX_ROWS:
        raise ExportError(
            f"{name}: {table.num_rows} rows; an Excel sheet holds at most {MAX_ROWS - 1} "
            "(use csv or sqlite)"
        )
    ws = wb.create_sheet(name)
    ws.freeze_panes = "A2"
    header = []
    for field in table.schema.names:
        cell = WriteOnlyCell(ws, value=field)
        cell.font = _bold()
        header.append(cell)
    ws.append(header)
    columns = _columns(null_open_bounds(table))
    for r in range(table.num_rows):
        row: list[Any] = []
        for c, values in enumerate(columns):
            v = values[r]
            if isinstance(v, str):
                if len(v) > MAX_CELL or ILLEGAL_CHARACTERS_RE.search(v):
                    why = "is too long" if len(v) > MAX_CELL else "has a control character"
                    raise ExportError(
                        f"{name} row {r + 1}, {table.schema.names[c]}: the text {why} "
                        "for an Excel cell"
                    )
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
    wb = openpyxl.Workbook(write_only=True)
    about = wb.create_sheet("about")
    for key, value in metadata(ds).items():
        about.append([key, value])
    about.append(["dates", ABOUT])
    for name in (*TABLE_NAMES, FLAT):
        _write_sheet(wb, name, tables[name])
        result.rows[name] = tables[name].num_rows
    from chrono.safeio import output_file

    with output_file(path, force=force) as fh:
        wb.save(fh)
    return result
