"""``chrono validate``: check a dataset against the data model and report every problem.

>>> import chrono
>>> report = chrono.validate("russia-china-summits")
>>> report.valid, sorted(report.counts)
(True, ['error', 'warning'])
>>> frame = report.to_pandas()          # one row per finding listed

``pandera_schema(table)`` gives the per-table rules as a pandera ``DataFrameSchema`` for
DataFrames loaded with :func:`chrono.load` (imported lazily: pandera is slow to import).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chrono.package import expand
from chrono.validation.engine import validate
from chrono.validation.report import REPORT_VERSION, Finding, Report, RuleResult, render
from chrono.validation.rules import ERROR, RULES, WARNING, Rule

if TYPE_CHECKING:
    from pathlib import Path

    import pandera.pandas as pa_

    from chrono.dataset import Dataset


def pandera_schema(table: str, dataset: str | Path | Dataset | None = None) -> pa_.DataFrameSchema:
    """The pandera schema of one table (see :mod:`chrono.validation.pandera_models`); with
    ``dataset``, its vocabulary columns accept that dataset's own terms too."""
    from chrono.validation.pandera_models import pandera_schema as make

    return make(table, dataset)


def __getattr__(name: str) -> Any:
    raise AttributeError(f"module 'chrono.validation' has no attribute {name!r}")


__all__ = [
    "ERROR",
    "REPORT_VERSION",
    "RULES",
    "WARNING",
    "Finding",
    "Report",
    "Rule",
    "RuleResult",
    "expand",
    "pandera_schema",
    "render",
    "validate",
]
