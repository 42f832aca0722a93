"""Exports to the formats other tools read: one function per format, and :func:`export`.

>>> from chrono.views import export
>>> sorted(export.FORMATS)[:3]
['csv', 'geojson', 'ics']

Each ``to_<format>(dataset, path, *, force=False)`` takes a dataset reference (a bundled
name, a directory, a ``datapackage.json`` or a :class:`~chrono.dataset.Dataset`), writes
``path`` whole or not at all, and returns an :class:`ExportResult`. Problems raise
:class:`ExportError` (the data cannot be said in the format),
:class:`~chrono.safeio.UnusableOutput` (the output path),
:class:`~chrono.safeio.OutputError` (writing failed; what was there is intact) or
:class:`~chrono.views.deps.MissingExtra` (an optional library is not installed), each
with a one-line message. Every file is written through :mod:`chrono.safeio`: exclusive,
no-follow temporary files beside the target, ``fsync``, then an atomic rename.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono.views.export.common import ExportError, ExportResult

if TYPE_CHECKING:
    from chrono.dataset import Dataset


@dataclass(frozen=True)
class Format:
    name: str
    module: str  # under chrono.views.export
    function: str
    directory: bool  # writes a directory of files (else one file)
    description: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("csv", "tabular", "to_csv", True, "CSV files + Frictionless datapackage.json"),
        Format("json", "tabular", "to_json", False, "one JSON file: every table as records"),
        Format("ndjson", "tabular", "to_ndjson", True, "one .ndjson file per table"),
        Format("xlsx", "excel", "to_xlsx", False, "Excel workbook, one sheet per table"),
        Format("sqlite", "sqlite", "to_sqlite", False, "SQLite database with keys and views"),
        Format("timelinejs", "timelinejs", "to_timelinejs", False, "TimelineJS3 JSON"),
        Format("jsonld", "jsonld", "to_jsonld", False, "JSON-LD, schema.org Event"),
        Format("ics", "ics", "to_ics", False, "iCalendar (RFC 5545)"),
        Format("geojson", "geojson", "to_geojson", False, "GeoJSON of places and their events"),
    )
}


def export(
    format: str, dataset: str | Path | Dataset, path: str | Path, *, force: bool = False
) -> ExportResult:
    """Write ``dataset`` to ``path`` in ``format`` (a key of :data:`FORMATS`).

    >>> import chrono, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "csv"
    >>> result = chrono.export.export("csv", "russia-china-summits", out)
    >>> result.format, (out / "events.csv").is_file(), result.rows["events"] > 0
    ('csv', True, True)"""
    fmt = FORMATS.get(format)
    if fmt is None:
        raise ExportError(f"unknown format {format!r} (formats: {', '.join(FORMATS)})")
    from chrono import safeio

    # refuse a bad output path before the work, not after it
    if fmt.directory:
        safeio.check_folder(path)
    else:
        safeio.check_file(path, force=force)
    from chrono import collector
    from chrono.dataset import opened
    from chrono.views.data import check_output

    module = importlib.import_module(f"chrono.views.export.{fmt.module}")
    with opened(dataset) as ds, collector.paused():
        check_output(ds, path, folder=fmt.directory)
        result: ExportResult = getattr(module, fmt.function)(ds, path, force=force)
    return result


def _delegate(name: str) -> Any:
    def run(dataset: str | Path | Dataset, path: str | Path, *, force: bool = False) -> Any:
        return export(name, dataset, path, force=force)

    run.__name__ = run.__qualname__ = FORMATS[name].function
    run.__doc__ = f"Export to {FORMATS[name].description} (see :func:`export`)."
    return run


to_csv = _delegate("csv")
to_json = _delegate("json")
to_ndjson = _delegate("ndjson")
to_xlsx = _delegate("xlsx")
to_sqlite = _delegate("sqlite")
to_timelinejs = _delegate("timelinejs")
to_jsonld = _delegate("jsonld")
to_ics = _delegate("ics")
to_geojson = _delegate("geojson")

__all__ = [
    "FORMATS",
    "ExportError",
    "ExportResult",
    "Format",
    "export",
    "to_csv",
    "to_geojson",
    "to_ics",
    "to_json",
    "to_jsonld",
    "to_ndjson",
    "to_sqlite",
    "to_timelinejs",
    "to_xlsx",
]
