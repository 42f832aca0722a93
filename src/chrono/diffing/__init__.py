"""``chrono diff``: what changed between two versions of a chronology.

>>> import chrono
>>> d = chrono.diff("russia-china-summits", "russia-china-summits")
>>> d.is_empty, d["events"].counts()["changed"]
(True, 0)

In a git repository, ``chrono.diff("v0.1.0", "HEAD")`` compares two revisions of the
dataset the repository holds.

Rows are matched by each table's primary key; see docs/diff.md for the semantics.
"""

from __future__ import annotations

from chrono.diffing.core import DATE_CLASSES, DiffError, Pairs, SchemaChange, TableDiff
from chrono.diffing.dataset import FORMAT_VERSION, DatasetDiff, EventProvenance, diff

__all__ = [
    "DATE_CLASSES",
    "FORMAT_VERSION",
    "DatasetDiff",
    "DiffError",
    "EventProvenance",
    "Pairs",
    "SchemaChange",
    "TableDiff",
    "diff",
]
