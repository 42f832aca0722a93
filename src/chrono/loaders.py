"""Loading tables as pandas DataFrames or Arrow tables.

dtypes (docs/data-model.md lists every column):

==================  ===========================================================================
text                ``string`` (pandas ``StringDtype``, missing = ``pd.NA``)
vocabulary columns  ``category`` whose categories are the whole vocabulary, in order;
                    ``precision`` is *ordered*, coarsest to finest (``unknown`` < ... < ``day``)
dates (derived)     ``datetime64[s]``: any year the model allows (BCE, beyond 9999), missing =
                    ``NaT``; the EDTF string beside it stays the canonical value
flags               ``boolean``;  coordinates: ``Float64``
==================  ===========================================================================

The Parquet files keep Arrow ``date32`` (what other readers get): :func:`load_arrow` returns
the columns as stored.

>>> import chrono
>>> events = chrono.load("events")
>>> events["earliest"].dtype, events["precision"].cat.ordered
(dtype('<M8[s]'), True)
>>> xi = events[events["id"] == "xi-state-visit-russia-2023"]
>>> xi[["earliest", "latest", "precision"]].to_dict("records")
[{'earliest': Timestamp('2023-03-20 00:00:00'), 'latest': Timestamp('2023-03-22 00:00:00'), \
'precision': 'day'}]
>>> int((events["earliest"] >= "2023-01-01").sum()) > 0
True
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from chrono.dataset import Dataset, opened
from chrono.model.periods import DateLike, period_days
from chrono.model.tables import TABLE_NAMES, TABLES, pandas_categories
from chrono.model.vocabularies import CORE, Vocabularies
from chrono.package import DEFAULT_DATASET, DatasetError
from chrono.staleness import warn_if_stale
from chrono.wording import meant

if TYPE_CHECKING:
    import pandas as pd


def load_arrow(table: str, dataset: str | Path | Dataset = DEFAULT_DATASET) -> pa.Table:
    """One table as an Arrow table, as stored: dictionary columns and ``date32`` dates.

    Work from Arrow where exact days of any year matter to your code (the Parquet's own
    types). ``to_pandas()`` of it, like ``pandas.read_parquet``, makes Python dates, which
    hold the years 1-9999 only: for BCE, far-future or open-ended dates use :func:`load`,
    or ``to_pandas(date_as_object=False, coerce_temporal_nanoseconds=False)``.

    >>> import chrono
    >>> events = chrono.load_arrow("events")
    >>> str(events.schema.field("earliest").type), events.schema.field("type").type.value_type
    ('date32[day]', DataType(string))
    """
    _check_table(table)
    with _reading(dataset) as ds:
        return ds.read_table(table)


def load(table: str, dataset: str | Path | Dataset = DEFAULT_DATASET) -> pd.DataFrame:
    """One table as a typed pandas DataFrame (the dtypes: see this module's docstring).

    ``dataset`` is a bundled dataset's name (see :func:`list_datasets`), a dataset
    directory, a ``datapackage.json`` path, or an opened :class:`chrono.dataset.Dataset`.
    Vocabulary columns' categories are the core terms and the terms the dataset declares.

    >>> import chrono
    >>> claims = chrono.load("claims")
    >>> contradicting = claims[claims["stance"] == "contradicts"]
    >>> "type" in set(contradicting["property"].astype(str))   # "an official visit"
    True
    >>> bool((claims["precision"].dropna() >= "year").all())   # ordered, coarsest first
    True
    """
    _check_table(table)
    with _reading(dataset) as ds:
        return to_pandas(table, ds.read_table(table), ds.vocabularies)


def load_dataset(dataset: str | Path | Dataset = DEFAULT_DATASET) -> dict[str, pd.DataFrame]:
    """Every table of a dataset as DataFrames, keyed by table name (in model order).

    >>> import chrono
    >>> tables = chrono.load_dataset()
    >>> list(tables)
    ['places', 'actors', 'sources', 'events', 'participants', 'claims']
    >>> joined = tables["claims"].merge(tables["events"], left_on="event_id", right_on="id")
    >>> len(joined) == len(tables["claims"])
    True
    """
    with _reading(dataset) as ds:
        vocabularies = ds.vocabularies
        return {name: to_pandas(name, ds.read_table(name), vocabularies) for name in TABLE_NAMES}


def to_pandas(table: str, data: pa.Table, vocabularies: Vocabularies = CORE) -> pd.DataFrame:
    """Convert an Arrow table of the model to a DataFrame with chrono's dtypes.

    Derived date columns (``date32`` in Arrow) become ``datetime64[s]``, which holds every
    ``date32`` day (about ±5.9 million years; seconds resolution spans ±2.9e11 years), so
    BCE and far-future dates print, sort and compare like any other date. What holds only
    the years 1-9999 (Python's ``datetime.date``: ``.dt.date``; ``DataFrame.to_excel``)
    cannot take them: ``chrono export xlsx`` writes such days as ISO text.

    >>> import chrono
    >>> frame = chrono.to_pandas("events", chrono.load_arrow("events"))
    >>> str(frame["earliest"].dtype), str(frame["precision"].dtype)
    ('datetime64[s]', 'category')
    """
    import pandas as pd

    _check_table(table)
    if not isinstance(data, pa.Table):
        raise TypeError(
            f"to_pandas takes an Arrow table (chrono.load_arrow({table!r})), not "
            f"{type(data).__name__}"
        )
    spec = TABLES.get(table)

    def mapper(typ: pa.DataType) -> object:
        if pa.types.is_string(typ) or pa.types.is_large_string(typ):
            return pd.StringDtype()
        if pa.types.is_boolean(typ):
            return pd.BooleanDtype()
        if pa.types.is_floating(typ):
            return pd.Float64Dtype()
        return None

    dates_at = [i for i, f in enumerate(data.schema) if pa.types.is_date(f.type)]
    for i in dates_at:
        # days -> seconds since the epoch: exact for every date32 value (|days| < 2**31)
        column = data.column(i).cast(pa.date32()).cast(pa.timestamp("s"))
        data = data.set_column(i, data.schema.field(i).name, column)
    frame: pd.DataFrame = data.to_pandas(types_mapper=mapper)
    for col in spec.columns if spec is not None else ():
        if col.kind == "vocab" and col.name in frame.columns:
            terms, ordered = pandas_categories(col, vocabularies)
            values = frame[col.name].astype("object").where(frame[col.name].notna(), None)
            # a value outside the vocabulary is kept (as an extra category), never dropped:
            # chrono validate reports it. In an ordered vocabulary it ranks lowest (it
            # cannot be said to be at least any precision).
            unknown = sorted(set(values.dropna()) - set(terms))
            categories = unknown + list(terms) if ordered else list(terms) + unknown
            frame[col.name] = pd.Categorical(values, categories=categories, ordered=ordered)
    return frame


def events_between(
    start: DateLike | None,
    end: DateLike | None,
    dataset: str | Path | Dataset = DEFAULT_DATASET,
) -> pd.DataFrame:
    """Events whose date interval overlaps [start, end]: EDTF strings or years as people
    write them (``"44 BCE"``), dates, Timestamps or ``numpy.datetime64``; None (or ``".."``)
    for an open end (``events_between("2022", None)``: 2022 and after). A missing date
    (``NaT``) is a ``ValueError``, not an open end; a time with a time zone names the day on
    its own clock (:mod:`chrono.model.periods`).

    ``events_between("2022", "2022")`` gives every event that may fall in 2022, using the
    stored bounds: an event dated ``2022~`` or ``2021/2023`` overlaps, one dated ``2023``
    does not. A ``pd.Timestamp`` of any year works (``events.earliest.min()``, say). An open
    or unknown end (``2019/..``, ``2019/``, ``../2019``) is stored as the extreme of the
    supported range, so such an event overlaps every period on that side (docs/dates.md);
    ``start``/``end`` of ``chrono.parse_date(date)`` tell it from a real day.

    >>> import chrono
    >>> march = chrono.events_between("2023-03-20", "2023-03-22")
    >>> "xi-state-visit-russia-2023" in set(march["id"])
    True
    """
    lo, hi = period_days((start, end))
    with _reading(dataset) as ds:
        data = ds.read_table("events")
        vocabularies = ds.vocabularies
    if hi is not None:
        data = data.filter(pc.less_equal(data["earliest"].cast(pa.int32()), hi))
    if lo is not None:
        data = data.filter(pc.greater_equal(data["latest"].cast(pa.int32()), lo))
    return to_pandas("events", data, vocabularies)


def events_with_actor(
    actor_id: str, dataset: str | Path | Dataset = DEFAULT_DATASET, role: str | None = None
) -> pd.DataFrame:
    """Events in which ``actor_id`` takes part (optionally in ``role``).

    An actor the dataset does not have, or a role its vocabulary lacks (a typo, most
    likely), is a ``ValueError`` naming what may have been meant, never an empty result.

    >>> import chrono
    >>> hosted = chrono.events_with_actor("vladimir-putin", role="host")
    >>> "xi-state-visit-russia-2023" in set(hosted["id"])
    True
    >>> chrono.events_with_actor("putin")
    Traceback (most recent call last):
    ...
    ValueError: no actor 'putin' in russia-china-summits; did you mean 'vladimir-putin'?
    """
    if not isinstance(actor_id, str):
        raise TypeError(f"actor_id: {actor_id!r} is not an actor id (give one id as text)")
    if role is not None and not isinstance(role, str):
        raise TypeError(f"role: {role!r} is not a role (give one term as text)")
    with _reading(dataset) as ds:
        actors = ds.read_table("actors", ["id"])["id"]
        parts = ds.read_table("participants")
        events = ds.read_table("events")
        vocabularies = ds.vocabularies
    if not pc.any(pc.equal(actors, actor_id)).as_py():
        known = [a for a in actors.to_pylist() if a is not None]
        raise ValueError(f"no actor {actor_id!r} in {ds.name}{meant([actor_id], known)}")
    if role is not None and role not in vocabularies["role"]:
        roles = list(vocabularies["role"])
        raise ValueError(f"no role {role!r} in the role vocabulary{meant([role], roles)}")
    mask = pc.equal(parts["actor_id"], actor_id)
    if role is not None:
        mask = pc.and_(mask, pc.equal(parts["role"].cast(pa.string()), role))
    ids = pc.unique(parts.filter(mask)["event_id"])
    return to_pandas("events", events.filter(pc.is_in(events["id"], value_set=ids)), vocabularies)


@contextmanager
def _reading(dataset: str | Path | Dataset) -> Iterator[Dataset]:
    """The dataset opened (unless it is already), with a :class:`StaleParquetWarning`
    when it is curated and its YAML changed since ``chrono build``."""
    with opened(dataset) as ds:
        label = str(ds.root if isinstance(dataset, Dataset) else dataset)
        warn_if_stale(ds, label)
        yield ds


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise DatasetError(f"no table {table!r} (tables: {', '.join(TABLE_NAMES)})")
