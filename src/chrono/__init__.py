"""chrono: curated, validated chronologies with per-fact provenance.

>>> import chrono
>>> events = chrono.load("events")            # doctest: +SKIP
>>> chrono.list_datasets()                    # doctest: +SKIP
['russia-china-summits']
>>> chrono.parse_date("-0043-03-15").earliest_date  # EDTF years are astronomical: 44 BCE
'-0043-03-15'

Attributes are imported lazily, so ``import chrono`` (and ``chrono --help``) stay fast and
do not import pandas.
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
    "list_datasets": "chrono.package",
    "DatasetError": "chrono.package",
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
