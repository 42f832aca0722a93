"""The provenance trail of an event: its claims joined with the sources that state them.

>>> import chrono
>>> trail = chrono.provenance("xi-state-visit-russia-2023")
>>> list(trail.columns[:5])
['id', 'event_id', 'source_id', 'property', 'value']
>>> "source_publisher" in trail.columns and bool((trail["event_id"] == trail["event_id"][0]).all())
True
>>> trail.loc[trail["stance"] == "contradicts", ["property", "value"]].iloc[0].tolist()
['type', 'official_visit']
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from chrono.dataset import Dataset, opened
from chrono.loaders import to_pandas
from chrono.package import DEFAULT_DATASET, DatasetError
from chrono.staleness import warn_if_stale
from chrono.wording import meant

if TYPE_CHECKING:
    import pandas as pd

#: The prefix of the source columns in a provenance trail (``source_title``, ...).
SOURCE_PREFIX = "source_"


def claims_of(event_id: str, dataset: Dataset) -> pa.Table:
    """The claims of one event, as stored, ordered by property, source and claim id."""
    claims = dataset.read_table("claims")
    claims = claims.filter(pc.equal(claims["event_id"], event_id))
    if not claims.num_rows:
        events = dataset.read_table("events", columns=["id"])
        if not pc.any(pc.equal(events["id"], event_id)).as_py():
            known = events["id"].drop_null().to_pylist()
            raise DatasetError(
                f"no event {event_id!r} in dataset {dataset.name}{meant([event_id], known)}"
            )
    prop = claims["property"]
    if pa.types.is_dictionary(prop.type):
        prop = prop.cast(prop.type.value_type)
    # the dataset's order: the core terms, then those it declares
    terms = pa.array(list(dataset.vocabularies.terms("property")), pa.string())
    rank = pc.fill_null(pc.index_in(prop, value_set=terms), len(terms))  # unknown: last
    keyed = claims.append_column("__rank", rank)
    by = [("__rank", "ascending"), ("source_id", "ascending"), ("id", "ascending")]
    order = pc.sort_indices(keyed, sort_keys=by)
    return claims.take(order)


def provenance(event_id: str, dataset: str | Path | Dataset = DEFAULT_DATASET) -> pd.DataFrame:
    """One event's claims, each joined with its source: the provenance trail as one DataFrame.

    One row per claim (ordered by property in vocabulary order, then source, then claim
    id), with the claims' columns and dtypes as :func:`chrono.load` gives them, followed
    by the cited source's columns prefixed ``source_`` (``source_kind``, ``source_title``,
    ``source_publisher``, ``source_published``, ``source_url``, ...). A claim whose source
    is missing from the dataset keeps its row, with empty source columns.
    Raises :class:`~chrono.package.DatasetError` for an event the dataset does not hold
    (naming the ids that may have been meant).

    >>> import chrono
    >>> trail = chrono.provenance("xi-state-visit-russia-2023")
    >>> trail["property"].iloc[0], str(trail["source_published_earliest"].dtype)
    ('occurrence', 'datetime64[s]')
    >>> chrono.provenance("no-such-event")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    chrono.package.DatasetError: no event 'no-such-event' in dataset russia-china-summits ...
    """
    if not isinstance(event_id, str):
        raise TypeError(f"event_id: {event_id!r} is not an event id (give one id as text)")
    with opened(dataset) as ds:
        warn_if_stale(ds, str(ds.root if isinstance(dataset, Dataset) else dataset))
        vocabularies = ds.vocabularies  # the dtypes chrono.load gives
        claims = to_pandas("claims", claims_of(event_id, ds), vocabularies)
        wanted = pa.array(sorted(set(claims["source_id"].dropna())), pa.string())
        sources = ds.read_table("sources")
        sources = sources.filter(pc.is_in(sources["id"], value_set=wanted))
    sources = to_pandas("sources", sources, vocabularies)
    sources = sources.add_prefix(SOURCE_PREFIX)
    return claims.merge(sources, how="left", on="source_id", validate="many_to_one")
