"""A whole-dataset diff: tables in model order, renames followed, provenance grouped by event."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from chrono.dataset import Dataset
from chrono.diffing.arrays import Index, from_np
from chrono.diffing.core import DiffError, TableDiff, check_ignored, match_arrow, table_spec
from chrono.diffing.inputs import Snapshot, TableSource, is_revision, load
from chrono.diffing.metadata import MetadataChange, metadata_changes
from chrono.diffing.renames import finish
from chrono.diffing.report import apply_report, py_values, table_dict
from chrono.diffing.sides import find_dataset, open_side
from chrono.model.tables import TABLE_NAMES, TABLES

if TYPE_CHECKING:
    import pandas as pd

FORMAT_VERSION = 1

Source = str | Path | Dataset | Snapshot | dict[str, pa.Table]
ENGINES = ("auto", "duckdb", "arrow")


@dataclass
class EventProvenance:
    """Changes to the claims and sources that support one event."""

    event_id: str
    event_change: str | None  # changed | added | removed | renamed | None (event row unchanged)
    claims: dict[str, list[str]] = field(default_factory=dict)  # added/removed/changed -> ids
    sources: list[str] = field(default_factory=list)  # changed/added/removed sources it cites

    @property
    def provenance_only(self) -> bool:
        return self.event_change is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "event_change": self.event_change,
            "provenance_only": self.provenance_only,
            "claims": {k: v for k, v in self.claims.items() if v},
            "sources": self.sources,
        }


@dataclass
class DatasetDiff:
    """What changed between two versions: dataset metadata first, then each table.

    ``d["events"]`` is a table's :class:`TableDiff`; :meth:`to_dict` is the JSON report,
    :meth:`to_pandas` one row per change; in a notebook the diff displays as a summary.
    """

    old_label: str
    new_label: str
    tables: list[TableDiff]
    ignored: list[str] = field(default_factory=list)
    #: the full claims tables (old, new) for finding the events a changed source supports
    claims: tuple[TableSource | None, TableSource | None] = (None, None)
    _provenance: list[EventProvenance] | None = None
    #: descriptor properties that changed (version, title, licences...), in citation order
    metadata: list[MetadataChange] = field(default_factory=list)
    #: how a side was read when it was not its Parquet as is (stale: built from its YAML)
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.metadata and all(t.is_empty for t in self.tables)

    def table(self, name: str) -> TableDiff:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def __getitem__(self, name: str) -> TableDiff:
        return self.table(name)

    def __iter__(self) -> Iterator[TableDiff]:
        """The tables' diffs, in model order (``for t in d: t.name, t.counts()``)."""
        return iter(self.tables)

    def __contains__(self, name: object) -> bool:
        """Whether the diff compared that table (``"events" in d``)."""
        return any(t.name == name for t in self.tables)

    @property
    def provenance(self) -> list[EventProvenance]:
        if self._provenance is None:
            self._provenance = _provenance(self)
        return self._provenance

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """The report as plain JSON-able data (``format_version`` 1).

        ``limit`` caps the rows listed per table and kind; counts are always exact.
        """
        return {
            "format_version": FORMAT_VERSION,
            "old": self.old_label,
            "new": self.new_label,
            "is_empty": self.is_empty,
            "ignored": self.ignored,
            "notes": list(self.notes),
            "metadata": [m.to_dict() for m in self.metadata],
            "tables": [table_dict(t, limit) for t in self.tables],
            "provenance": [p.to_dict() for p in self.provenance],
        }

    def apply(self, old: dict[str, pa.Table]) -> dict[str, pa.Table]:
        """Apply this diff's full report to ``old`` tables: the result has ``new``'s rows.

        Value changes only: columns added or removed by a schema change are not rebuilt.
        """
        return apply_report(self.to_dict(), old)

    def to_pandas(self, limit: int | None = None) -> pd.DataFrame:
        """One row per change: metadata, schema, added, removed, changed (one row per field)
        and renamed rows, in report order (see :func:`chrono.diffing.notebook.changes_frame`).
        """
        from chrono.diffing.notebook import changes_frame

        frame: pd.DataFrame = changes_frame(self.to_dict(limit=limit))
        return frame

    def _repr_markdown_(self) -> str:
        from chrono.diffing.render import markdown

        text: str = markdown(self.to_dict(limit=20))
        return text

    def _repr_html_(self) -> str:
        from chrono.diffing.notebook import html

        return html(self.to_dict(limit=20))

    def __repr__(self) -> str:
        counts = {t.name: t.counts() for t in self.tables if not t.is_empty}
        return (
            f"<DatasetDiff {self.old_label} -> {self.new_label}: "
            f"{len(self.metadata)} metadata changes, changed tables {sorted(counts)}>"
        )


# --------------------------------------------------------------------------- provenance


def _event_changes(d: DatasetDiff) -> dict[str, str]:
    try:
        ev = d.table("events")
    except KeyError:
        return {}
    out: dict[str, str] = {}
    for i in _ids(ev.old, ev.removed):
        out[i] = "removed"
    for i in _ids(ev.new, ev.added):
        out[i] = "added"
    for i in _ids(ev.new, ev.changed.new_idx):
        out[i] = "changed"
    for i in _ids(ev.new, ev.renamed.new_idx):
        out[i] = "renamed"
    return out


def _ids(table: pa.Table, idx: Index, column: str = "id") -> list[str]:
    if column not in table.column_names or not len(idx):
        return []
    return [str(v) for v in py_values(table.column(column).take(from_np(idx)))]


def _claim_links(src: TableSource, sources: pa.Array) -> pa.Table | None:
    """The event_id and source_id of the claims that cite one of ``sources``, read a row
    group at a time (a claims table of hundreds of millions of rows is never held whole)."""
    columns = ["event_id", "source_id"]
    if isinstance(src, pa.Table):
        if not set(columns) <= set(src.column_names):
            return None
        links = src.select(columns)
        return links.filter(pc.is_in(links.column("source_id"), sources))
    try:
        parts = [
            batch.filter(pc.is_in(batch.column("source_id"), sources))
            for batch in src.batches(columns)
        ]
        if parts and parts[0].num_columns != len(columns):
            return None
        return pa.Table.from_batches(parts) if parts else None
    except (DiffError, KeyError):
        return None


def _provenance(d: DatasetDiff) -> list[EventProvenance]:
    changes = _event_changes(d)
    events: dict[str, EventProvenance] = {}

    def get(event_id: str) -> EventProvenance:
        if event_id not in events:
            events[event_id] = EventProvenance(
                event_id, changes.get(event_id), {"added": [], "removed": [], "changed": []}
            )
        return events[event_id]

    names = {t.name for t in d.tables}
    if "claims" in names:
        cl = d.table("claims")
        if "event_id" in cl.old.column_names and "event_id" in cl.new.column_names:
            for kind, table, idx in (
                ("added", cl.new, cl.added),
                ("removed", cl.old, cl.removed),
                ("changed", cl.new, cl.changed.new_idx),
            ):
                for ev, cid in zip(_ids(table, idx, "event_id"), _ids(table, idx), strict=True):
                    get(ev).claims[kind].append(cid)
    if "sources" in names:
        src = d.table("sources")
        touched = sorted(
            {
                *_ids(src.new, src.added),
                *_ids(src.old, src.removed),
                *_ids(src.new, src.changed.new_idx),
            }
        )
        if touched:
            for side in d.claims:
                if side is None:
                    continue
                sel = _claim_links(side, pa.array(touched, pa.string()))
                if sel is None:
                    continue
                for ev, sid in zip(
                    py_values(sel.column("event_id")),
                    py_values(sel.column("source_id")),
                    strict=True,
                ):
                    p = get(str(ev))
                    if sid not in p.sources:
                        p.sources.append(str(sid))
    for p in events.values():
        p.sources.sort()
        for ids in p.claims.values():
            ids.sort()
    return [events[k] for k in sorted(events)]


# --------------------------------------------------------------------------- entry point


def _snapshot(
    side: Source,
    label: str,
    tables: tuple[str, ...] | None,
    dataset: str | Path | None,
    cwd: Path | None,
) -> Snapshot:
    if isinstance(side, Snapshot):
        return side
    if isinstance(side, dict):
        odd = {k: v for k, v in side.items() if not isinstance(v, pa.Table)}
        if odd:
            name, value = next(iter(odd.items()))
            raise TypeError(
                f"{label}: table {name!r} is a {type(value).__name__}, not an Arrow table "
                f"(chrono.load_arrow({name!r}))"
            )
        return Snapshot(label, dict(side))
    if isinstance(side, Dataset):  # an opened dataset: its folder, as the CLI names it
        side = side.root
    if not isinstance(side, str | Path):
        raise TypeError(f"{label}: {type(side).__name__} is not a dataset, a table or a revision")
    return open_side(side, dataset=dataset, tables=tables, cwd=cwd)


def _revisions(sides: Iterable[Source], cwd: Path | None) -> list[str]:
    """The sides that name a git revision (not an existing path)."""
    out = []
    for side in sides:
        if isinstance(side, str | Path):
            path = Path(side) if cwd is None or Path(side).is_absolute() else cwd / side
            if not path.exists() and is_revision(str(side), cwd):
                out.append(str(side))
    return out


def diff(
    old: Source,
    new: Source,
    *,
    tables: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    dataset: str | Path | None = None,
    cwd: Path | None = None,
    engine: str = "auto",
    memory_limit: int | None = None,
    temp_dir: str | Path | None = None,
) -> DatasetDiff:
    """Compare two versions of a chronology.

    ``old`` and ``new`` are each a dataset directory or its ``datapackage.json``, a single
    Parquet table, a git revision of the repository at ``cwd`` (the dataset at ``dataset``
    inside it; by default the one dataset the revisions hold), or a mapping of table name to
    Arrow table. A curated dataset whose Parquet is stale is compared as its YAML sources
    say (built in memory; :attr:`DatasetDiff.notes` says so). ``ignore`` names columns as
    ``table.column`` or ``column`` (every table). Raises :class:`DiffError` for an input that
    cannot be read or a primary key that is not unique, and :class:`ValueError` for a usage
    error (revisions holding several datasets and no ``dataset``).

    >>> import chrono
    >>> old = {"events": chrono.load_arrow("events")}
    >>> new = {"events": old["events"].slice(1)}      # the first event removed
    >>> d = chrono.diff(old, new)
    >>> d.is_empty, d["events"].counts()["removed"]
    (False, 1)

    ``engine``: ``duckdb`` (a parallel full outer join; the default when DuckDB is
    installed), ``arrow`` (Arrow compute and numpy), or ``auto``. Both give the same report.
    DuckDB's joins use at most ``memory_limit`` bytes (default: ``CHRONO_DIFF_MEMORY_LIMIT``,
    else half the machine's memory) and spill the rest under ``temp_dir`` (default:
    ``CHRONO_DIFF_TEMP_DIR``, else the system's temporary folder).
    """
    from chrono.diffing import duck

    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (engines: {', '.join(ENGINES)})")
    use_duck = engine == "duckdb" or (engine == "auto" and duck.available())
    spill = duck.Spill.from_env(memory_limit, temp_dir) if use_duck else None
    wanted = tuple(tables) if tables else None
    if wanted:
        unknown = [t for t in wanted if t not in TABLES]
        if unknown:
            raise ValueError(f"unknown table {unknown[0]!r} (tables: {', '.join(TABLE_NAMES)})")
    # renames found in events are followed in the tables that reference them
    needs_events = wanted is not None and "events" not in wanted
    needs_events = needs_events and any(t in ("claims", "participants") for t in wanted or ())
    read = (*wanted, "events") if wanted and needs_events else wanted
    if dataset is None:
        revisions = _revisions((old, new), cwd)
        if revisions:
            dataset = find_dataset(revisions, working_tree=False, cwd=cwd)
    a = _snapshot(old, "old", read, dataset, cwd)
    b = _snapshot(new, "new", read, dataset, cwd)
    ignore = tuple(ignore)
    names = [n for n in TABLE_NAMES if (n in a.tables or n in b.tables) and (not read or n in read)]
    if a.single != b.single and len(names) > 1:
        single = a if a.single else b
        only = next(iter(single.tables))
        names = [only]
    sides = {n: [t for t in (a.tables.get(n), b.tables.get(n)) if t is not None] for n in names}
    check_ignored(
        ignore, {n: {c for t in ts for c in duck.schema_of(t).names} for n, ts in sides.items()}
    )
    results: list[TableDiff] = []
    renames: dict[str, str] = {}
    for name in names:
        spec = TABLES[name]
        keys = spec.primary_key
        ta: TableSource | None = a.tables.get(name)
        tb: TableSource | None = b.tables.get(name)
        if ta is None and tb is not None:
            ta = duck.schema_of(tb).empty_table()
        if tb is None and ta is not None:
            tb = duck.schema_of(ta).empty_table()
        assert ta is not None and tb is not None
        drop = {i.split(".", 1)[1] for i in ignore if i.startswith(f"{name}.")}
        drop |= {i for i in ignore if "." not in i}
        if drop & set(keys):
            raise ValueError(
                f"cannot ignore primary key column of {name}: {sorted(drop & set(keys))}"
            )
        fk = next(
            (
                f.columns[0]
                for f in spec.foreign_keys
                if f.table == "events" and name != "events" and len(f.columns) == 1
            ),
            None,
        )
        if use_duck:
            matched = duck.match_duckdb(name, ta, tb, keys, drop, spill)
        else:
            matched = match_arrow(name, load(ta), load(tb), keys, drop)
        td = finish(
            name,
            matched,
            keys=keys,
            spec=table_spec(name),
            renames=renames,
            rename_fk=fk,
            detect_renames=name == "events",
        )
        if name == "events" and len(td.renamed):
            olds = _ids(td.old, td.renamed.old_idx)
            news = _ids(td.new, td.renamed.new_idx)
            renames = dict(zip(olds, news, strict=True))
        results.append(td)
    if wanted:
        results = [t for t in results if t.name in wanted]
    claims = (a.tables.get("claims"), b.tables.get("claims"))
    return DatasetDiff(
        a.label,
        b.label,
        results,
        sorted(ignore),
        claims,
        metadata=[] if wanted else metadata_changes(a.descriptor, b.descriptor),
        notes=[n for n in (a.note, b.note) if n],
    )


__all__ = ["DatasetDiff", "DiffError", "EventProvenance", "TableDiff", "diff"]
