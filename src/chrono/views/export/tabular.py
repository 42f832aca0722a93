"""CSV (a Frictionless CSV data package), JSON and NDJSON records.

Every table is written, plus the flat ``event_claims`` table (CSV). Dates: the EDTF
string is kept as it is; its bounds are ISO days (``2019-06-05``, ``-0043-03-15``,
``+12345-01-01``), and an open or unknown end's bound is empty (null), never the extreme
of the range. Text is written verbatim (no formula escaping: these are data files; see
docs/views.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono.model.schema import frictionless_schema
from chrono.model.tables import TABLE_NAMES, TABLES, Table
from chrono.safeio import output_file, output_files, sync
from chrono.views.data import FLAT, event_claims, flat_spec, null_open_bounds, read_tables
from chrono.views.export.common import (
    ExportResult,
    all_common,
    dates_as_text,
    iso_dates,
    metadata,
    open_dataset,
)
from chrono.views.export.stream import Streamed, slices, text_file, write_json

if TYPE_CHECKING:
    import pyarrow as pa

    from chrono.dataset import Dataset
    from chrono.model.vocabularies import Vocabularies

DESCRIPTOR = "datapackage.json"


def _csv_table(
    spec: Table, table: pa.Table, vocabularies: Vocabularies
) -> tuple[pa.Table, dict[str, Any]]:
    """The table as written to CSV, and its Table Schema (from the model, the vocabularies'
    enums holding the dataset's own terms too, then adjusted)."""
    import pyarrow as pa

    table = null_open_bounds(table)
    schema = frictionless_schema(spec, vocabularies)
    if not schema["primaryKey"]:
        del schema["primaryKey"]
    for i, fdesc in enumerate(schema["fields"]):
        col = table.column(i)
        if pa.types.is_date32(col.type):
            if col.null_count:
                # an open or unknown end: the EDTF column says which
                fdesc["constraints"]["required"] = False
            if not all_common(col):
                # Table Schema's date holds years 1-9999 only: ISO text beyond
                table = table.set_column(i, fdesc["name"], iso_dates(col))
                fdesc["type"] = "string"
                fdesc["chrono:type"] = "date"
        if fdesc.get("format") == "edtf":
            del fdesc["format"]
            fdesc["chrono:edtf"] = True
    return table, schema


def to_csv(dataset: str | Path | Dataset, path: str | Path, *, force: bool = False) -> ExportResult:
    """Every table and ``event_claims`` as CSV files in directory ``path``, with a
    Frictionless ``datapackage.json`` (schemas from the model, keys, each file's size).

    Every table is written by ``pyarrow.csv.write_csv`` (vocabulary columns stay Arrow
    dictionaries, which it decodes as it writes) straight into its checked temporary file
    (:meth:`~chrono.safeio.OutputFile.sink`: no Python in the write path). The six tables
    are written and synced by a worker thread while the flat table is built with Arrow
    kernels (:func:`~chrono.views.data.event_claims`) and written here.
    """
    import pyarrow.csv as pacsv

    from chrono.dataset import opened

    with opened(dataset) as ds:
        tables = read_tables(ds, decode=False)
    specs = {**{n: TABLES[n] for n in TABLE_NAMES}, FLAT: flat_spec()}
    result = ExportResult("csv", Path(path))
    names = [*(f"{n}.csv" for n in specs), DESCRIPTOR]
    with output_files(path, names, force=force) as files, ThreadPoolExecutor(1) as pool:
        schemas, rows = {}, {}

        def write(name: str, table: pa.Table) -> None:
            table, schemas[name] = _csv_table(specs[name], table, ds.vocabularies)
            rows[name] = table.num_rows
            out = files[f"{name}.csv"]
            pacsv.write_csv(table, out.sink())
            sync(out)

        def write_tables() -> None:
            for name in TABLE_NAMES:
                write(name, tables[name])

        written = pool.submit(write_tables)
        try:
            write(FLAT, event_claims(tables))
        except BaseException:
            if (first := written.exception()) is not None:
                raise first from None  # the failure of an earlier file, as a sequence would
            raise
        written.result()
        resources = [
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": spec.description,
                "bytes": files[f"{name}.csv"].size(),
                "schema": schemas[name],
            }
            for name, spec in specs.items()
        ]
        result.rows.update((name, rows[name]) for name in specs)
        files[DESCRIPTOR].write(_descriptor(ds, resources))
    return result


def _descriptor(ds: Dataset, resources: list[dict[str, Any]]) -> bytes:
    meta = metadata(ds)
    desc: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": meta["name"],
        "title": meta["title"],
    }
    if meta["version"]:
        desc["version"] = meta["version"]
    if meta["license"]:
        desc["licenses"] = [{"name": meta["license"]}]
    desc["resources"] = resources
    return (json.dumps(desc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _records(table: pa.Table) -> Iterator[list[dict[str, Any]]]:
    """The table's records as JSON writes them, a batch at a time (dates as ISO text, an
    open or unknown end's bound null: Arrow kernels on the whole table first)."""
    for part in slices(dates_as_text(null_open_bounds(table))):
        records: list[dict[str, Any]] = part.to_pylist()
        yield records


def to_json(
    dataset: str | Path | Dataset, path: str | Path, *, force: bool = False
) -> ExportResult:
    """One JSON file: the dataset's metadata and every table as a list of records,
    written a batch of rows at a time."""
    ds, tables = open_dataset(dataset)
    result = ExportResult("json", Path(path))
    doc: dict[str, Any] = {**metadata(ds), "tables": {}}
    for name in TABLE_NAMES:
        doc["tables"][name] = Streamed(_records(tables[name]), flat=True)
        result.rows[name] = tables[name].num_rows
    with output_file(path, force=force) as out, text_file(out) as fh:
        write_json(fh, doc)
    return result


def one_line(value: Any) -> str:
    """JSON on one line: U+2028 and U+2029 escaped too, as readers may split lines there."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def to_ndjson(
    dataset: str | Path | Dataset, path: str | Path, *, force: bool = False
) -> ExportResult:
    """A directory with one ``<table>.ndjson`` per table: one JSON record per line,
    written a batch of rows at a time."""
    _, tables = open_dataset(dataset)
    result = ExportResult("ndjson", Path(path))
    names = [f"{n}.ndjson" for n in TABLE_NAMES]
    with output_files(path, names, force=force) as files:
        for name in TABLE_NAMES:
            with text_file(files[f"{name}.ndjson"]) as fh:
                for records in _records(tables[name]):
                    fh.write("".join(one_line(record) + "\n" for record in records))
            result.rows[name] = tables[name].num_rows
    return result
