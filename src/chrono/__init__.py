"""chrono: curated, validated chronologies with per-fact provenance.

Loading (pandas DataFrames with chrono's dtypes; dates are ``datetime64[s]``, any year)::

    load(table, dataset)            one table ("events", "claims", "sources", ...)
    load_dataset(dataset)           all six tables, as a dict
    load_arrow(table, dataset)      one table as stored (Arrow: date32, dictionaries)
    to_pandas(table, arrow_table)   an Arrow table of the model as a DataFrame
    events_between(start, end)      events whose interval overlaps a period
    events_with_actor(actor_id)     events an actor takes part in (optionally in a role)
    provenance(event_id)            an event's claims joined with their sources
    list_datasets()                 the names of the bundled datasets
    parse_date(edtf)                an EDTF date's bounds, precision and qualifiers

Views (``pip install "chrono-data[all]"`` for the figure, Excel and iCalendar)::

    plot(dataset)                   a timeline figure (matplotlib Axes)
    write_site(dataset, directory)  one self-contained HTML page with a timeline
    export                          the export module: export.export(format, dataset, path)
                                    for csv, json, ndjson, xlsx, sqlite, jsonld, ics...

Checking and comparing::

    validate(path)                  a Report of findings with rule codes (.to_pandas())
    diff(old, new)                  a DatasetDiff: what changed (.to_pandas())

``dataset`` is a bundled dataset's name (the default: ``russia-china-summits``), a dataset
folder or its ``datapackage.json``. Errors reading one raise :class:`DatasetError`; a curated
dataset whose YAML changed since ``chrono build`` loads as last built, with a
:class:`StaleParquetWarning`.

>>> import chrono
>>> "russia-china-summits" in chrono.list_datasets()
True
>>> events = chrono.load("events")
>>> str(events["earliest"].dtype), str(events["precision"].dtype)
('datetime64[s]', 'category')
>>> chrono.parse_date("-0043-03-15").earliest_date  # EDTF years are astronomical: 44 BCE
'-0043-03-15'

Attributes are imported lazily, so ``import chrono`` (and ``chrono --help``) stay fast and
do not import pandas; ``dir(chrono)`` and ``help(chrono)`` list them all.
"""

from __future__ import annotations

import importlib
from typing import Any

from chrono._version import __version__

_LAZY = {
    "load": "chrono.loaders",
    "load_arrow": "chrono.loaders",
    "load_dataset": "chrono.loaders",
    "to_pandas": "chrono.loaders",
    "events_between": "chrono.loaders",
    "events_with_actor": "chrono.loaders",
    "provenance": "chrono.trail",
    "list_datasets": "chrono.package",
    "DatasetError": "chrono.package",
    "StaleParquetWarning": "chrono.staleness",
    "validate": "chrono.validation",
    "diff": "chrono.diffing",
    "parse_date": "chrono.model.dates:parse",  # module:attribute when the names differ
    "plot": "chrono.views.timeline",
    "export": "chrono.views",
    "write_site": "chrono.views.site",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'chrono' has no attribute {name!r}")
    module, _, attribute = target.partition(":")
    value = getattr(importlib.import_module(module), attribute or name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API (for tab completion and ``help``) and the module's dunder names."""
    dunder = (n for n in globals() if n.startswith("__") and n.endswith("__"))
    return sorted({*_LAZY, *dunder})
