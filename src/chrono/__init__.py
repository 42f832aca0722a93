"""chrono: curated, validated chronologies with per-fact provenance.

>>> import chrono
>>> events = chrono.load("events")            # doctest: +SKIP
>>> chrono.list_datasets()                    # doctest: +SKIP
['russia-china-summits']

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
    "provenance": "chrono.trail",
    "list_datasets": "chrono.package",
    "DatasetError": "chrono.package",
    "validate": "chrono.validation",
    "diff": "chrono.diffing",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'chrono' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
