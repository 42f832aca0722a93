"""pandera schemas of the tables, generated from :data:`chrono.model.tables.TABLES`.

They carry the per-table rules for DataFrames loaded with :func:`chrono.load` (dtypes as
:func:`chrono.loaders.to_pandas` makes them, nullability, vocabularies, patterns, primary
key uniqueness)::

    import chrono
    from chrono.validation import pandera_schema
    pandera_schema("events").validate(chrono.load("events", "tests/data/mini"), lazy=True)

``chrono validate`` applies the same rules with Arrow compute (CHR103 types, CHR104 nulls,
CHR106 patterns, CHR501 vocabularies, CHR201 keys), because pandera on millions of rows is
slow; the tests check that both agree on mutated tables.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from chrono.model.tables import TABLES, Column, pandas_categories, vocabulary_terms
from chrono.model.vocabularies import CORE, Vocabularies

if TYPE_CHECKING:
    from chrono.dataset import Dataset


def _dtype(col: Column, vocabularies: Vocabularies) -> Any:
    if col.kind == "string":
        return pd.StringDtype()
    if col.kind == "vocab":
        terms, ordered = pandas_categories(col, vocabularies)
        return pd.CategoricalDtype(list(terms), ordered=ordered)
    if col.kind == "date":
        return np.dtype("datetime64[s]")
    if col.kind == "bool":
        return pd.BooleanDtype()
    return pd.Float64Dtype()


def _column(col: Column, unique: bool, vocabularies: Vocabularies) -> pa.Column:
    checks = []
    if col.kind == "vocab":
        checks.append(pa.Check.isin(list(vocabulary_terms(col, vocabularies))))
    if col.pattern:
        checks.append(pa.Check.str_matches(col.pattern))
    return pa.Column(
        _dtype(col, vocabularies),
        checks=checks,
        nullable=col.nullable,
        unique=unique,
        required=True,
        description=col.description,
    )


def pandera_schema(table: str, dataset: str | Path | Dataset | None = None) -> pa.DataFrameSchema:
    """The pandera ``DataFrameSchema`` of ``table`` (KeyError for an unknown table).

    With ``dataset``, vocabulary columns accept the terms that dataset declares too.
    """
    if dataset is None:
        return _schema(table, CORE)
    from chrono.dataset import Dataset

    return _schema(table, Dataset.open(dataset).vocabularies)


@cache
def _schema(table: str, vocabularies: Vocabularies) -> pa.DataFrameSchema:
    spec = TABLES[table]
    single = spec.primary_key if len(spec.primary_key) == 1 else ()
    return pa.DataFrameSchema(
        {c.name: _column(c, c.name in single, vocabularies) for c in spec.columns},
        strict=True,
        unique=list(spec.primary_key) if len(spec.primary_key) > 1 else None,
        name=table,
    )
