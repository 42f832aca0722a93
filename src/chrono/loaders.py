"""Loading tables as pandas DataFrames or Arrow tables.

dtypes (docs/data-model.md lists every column):
  text                -> ``string`` (pandas ``StringDtype``, missing = ``pd.NA``)
  vocabulary columns  -> ``category`` whose categories are the whole vocabulary, in order
  dates               -> ``date32[day][pyarrow]``: real dates, any year (no datetime64 limit)
  flags               -> ``boolean``;  coordinates -> ``Float64``
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from chrono.dataset import Dataset
from chrono.model import dates
from chrono.model.tables import TABLE_NAMES, TABLES, vocabulary_terms
from chrono.model.vocabularies import CORE, Vocabularies
from chrono.package import DEFAULT_DATASET, DatasetError

if TYPE_CHECKING:
    import pandas as pd

DateLike = str | _dt.date


def load_arrow(table: str, dataset: str | Path | Dataset = DEFAULT_DATASET) -> pa.Table:
    """One table as an Arrow table (dictionary and date32 types as stored)."""
    _check_table(table)
    return Dataset.open(dataset).read_table(table)


def load(table: str, dataset: str | Path | Dataset = DEFAULT_DATASET) -> pd.DataFrame:
    """One table as a typed pandas DataFrame.

    ``dataset`` is a bundled dataset's name (see :func:`list_datasets`), a dataset
    directory, or a ``datapackage.json`` path. Vocabulary columns' categories are the core
    terms and the terms the dataset declares.
    """
    _check_table(table)
    ds = Dataset.open(dataset)
    return to_pandas(table, ds.read_table(table), ds.vocabularies)


def load_dataset(dataset: str | Path | Dataset = DEFAULT_DATASET) -> dict[str, pd.DataFrame]:
    """Every table of a dataset, keyed by table name."""
    ds = Dataset.open(dataset)
    vocabularies = ds.vocabularies
    return {name: to_pandas(name, ds.read_table(name), vocabularies) for name in TABLE_NAMES}


def to_pandas(table: str, data: pa.Table, vocabularies: Vocabularies = CORE) -> pd.DataFrame:
    """Convert an Arrow table of the model to a DataFrame with chrono's dtypes."""
    import pandas as pd

    spec = TABLES[table]

    def mapper(typ: pa.DataType) -> object:
        if pa.types.is_string(typ) or pa.types.is_large_string(typ):
            return pd.StringDtype()
        if pa.types.is_date32(typ):
            return pd.ArrowDtype(pa.date32())
        if pa.types.is_boolean(typ):
            return pd.BooleanDtype()
        if pa.types.is_floating(typ):
            return pd.Float64Dtype()
        return None

    frame: pd.DataFrame = data.to_pandas(types_mapper=mapper)
    for col in spec.columns:
        if col.kind == "vocab" and col.name in frame.columns:
            terms = list(vocabulary_terms(col, vocabularies))
            values = frame[col.name].astype("object").where(frame[col.name].notna(), None)
            # a value outside the vocabulary is kept (as an extra category), never dropped:
            # chrono validate reports it
            unknown = sorted(set(values.dropna()) - set(terms))
            frame[col.name] = pd.Categorical(values, categories=terms + unknown)
    return frame


def _day(value: DateLike, end: bool) -> int:
    if isinstance(value, _dt.date):
        return (value - _dt.date(1970, 1, 1)).days
    bounds = dates.parse(value)
    return bounds.latest if end else bounds.earliest


def events_between(
    start: DateLike, end: DateLike, dataset: str | Path | Dataset = DEFAULT_DATASET
) -> pd.DataFrame:
    """Events whose date interval overlaps [start, end] (EDTF strings or dates).

    ``events_between("2022", "2022")`` gives every event that may fall in 2022, using the
    stored bounds: an event dated ``2022~`` or ``2021/2023`` overlaps, one dated ``2023``
    does not. An open or unknown end (``2019/..``, ``2019/``, ``../2019``) is stored as the
    extreme of the supported range, so such an event overlaps every period on that side
    (docs/dates.md); ``start``/``end`` of ``chrono.parse_date(date)`` tell it from a real day.
    """
    lo, hi = _day(start, end=False), _day(end, end=True)
    ds = Dataset.open(dataset)
    data = ds.read_table("events")
    mask = pc.and_(
        pc.less_equal(data["earliest"].cast(pa.int32()), hi),
        pc.greater_equal(data["latest"].cast(pa.int32()), lo),
    )
    return to_pandas("events", data.filter(mask), ds.vocabularies)


def events_with_actor(
    actor_id: str, dataset: str | Path | Dataset = DEFAULT_DATASET, role: str | None = None
) -> pd.DataFrame:
    """Events in which ``actor_id`` takes part (optionally in ``role``)."""
    ds = Dataset.open(dataset)
    parts = ds.read_table("participants")
    mask = pc.equal(parts["actor_id"], actor_id)
    if role is not None:
        mask = pc.and_(mask, pc.equal(parts["role"].cast(pa.string()), role))
    ids = pc.unique(parts.filter(mask)["event_id"])
    events = ds.read_table("events")
    return to_pandas(
        "events", events.filter(pc.is_in(events["id"], value_set=ids)), ds.vocabularies
    )


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise DatasetError(f"no table {table!r} (tables: {', '.join(TABLE_NAMES)})")
