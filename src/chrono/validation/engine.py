"""The validator: reads a dataset once, column by column, and applies every rule vectorised.

Order of work: the descriptor; the files' sha256 and sizes (in a background thread, while
the tables are read); each table's Parquet footer (row count, column types, null counts
from the statistics); then only the columns the rules need. While the next table is read,
two worker threads (``_Checks``) check the text of the tables already read, run their
per-table rules (nulls, patterns, vocabularies, primary keys, EDTF and its derived
columns) and the cross-table rules whose tables are all read (foreign keys, provenance,
parents, duplicates). Cross-table rules map each referencing row to its referenced row once
with ``pyarrow.compute.index_in`` and gather the referenced columns with ``take``: no
Python loop over rows, no row objects.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from chrono.model import vocab
from chrono.model.dates import format_day
from chrono.model.derive import PARTS, derive_dates, derive_encoded, dictionary_id, encode
from chrono.model.schema import arrow_type
from chrono.model.tables import TABLES, Column, Table, vocabulary_terms
from chrono.package import DESCRIPTOR, DatasetError, read_descriptor, resolve, safe_path
from chrono.validation.report import Finding, Report
from chrono.validation.rules import RULES

Progress = Callable[[str], None]

#: Free-text columns whose only rule is "not null": checked from the Parquet statistics,
#: never read (they are the bulk of the bytes of the big tables).
_STATS_ONLY = {"events": {"title", "summary"}, "claims": {"note", "quote"}}
_CHUNK = 16 << 20
#: String columns with few distinct values, read as dictionaries straight from the Parquet
#: dictionary pages: their rules (references, patterns, EDTF) look at each distinct value
#: once, and the rows are never materialised as strings.
_AS_DICT = {
    "claims": {"source_id", "locator", "value"},
    "participants": {"actor_id"},
    "events": {"place_id", "date"},
}


#: The terms of the vocabulary columns that rules test for one term (``_Loaded.is_term``).
_TERMS = {
    "property": pa.array(list(vocab.PROPERTY), pa.string()),
    "stance": pa.array(list(vocab.STANCE), pa.string()),
    "status": pa.array(list(vocab.STATUS), pa.string()),
}


@dataclass
class _Loaded:
    spec: Table
    path: Path
    data: pa.Table  # the columns rules can use, cast to the model's types
    rows: int
    usable: set[str] = field(default_factory=set)
    _combined: dict[str, pa.Array] = field(default_factory=dict)
    _codes: dict[str, pa.ChunkedArray] = field(default_factory=dict)
    _encoded: dict[str, tuple[pa.Array, pa.Array]] = field(default_factory=dict)

    def has(self, *cols: str) -> bool:
        return all(c in self.usable for c in cols)

    def encoded(self, col: str) -> tuple[pa.Array, pa.Array]:
        """A dictionary column as (distinct strings, each row's index), cached."""
        if col not in self._encoded:
            self._encoded[col] = encode(self.data.column(col))
        return self._encoded[col]

    def per_value(self, col: str, fn: Callable[[pa.Array], pa.Array]) -> pa.ChunkedArray:
        """``fn`` applied to each row's string; for a dictionary column, once per value."""
        arr = self.data.column(col)
        if pa.types.is_dictionary(arr.type):
            return pa.chunked_array([pc.take(r, c.indices) for r, c in _per_dictionary(arr, fn)])
        if not pa.types.is_string(arr.type):
            arr = arr.cast(pa.string())
        out = [fn(chunk) for chunk in arr.chunks]
        return pa.chunked_array(out) if out else pc.is_null(arr)

    def codes(self, col: str, terms: pa.Array) -> pa.ChunkedArray:
        """Each row's index in ``terms`` (a module constant), cached: several rules ask."""
        key = f"{col}#{id(terms)}"
        if key not in self._codes:
            self._codes[key] = self.per_value(col, lambda v: pc.index_in(v, value_set=terms))
        return self._codes[key]

    def is_term(self, col: str, term: str) -> pa.ChunkedArray:
        """Rows whose (vocabulary) value in ``col`` is ``term``; null rows are null."""
        terms = _TERMS[col]
        return pc.equal(self.codes(col, terms), terms.index(term).as_py())

    def combined(self, col: str) -> pa.Array:
        """A string column as one array (cached: several rules look rows up by id)."""
        if col not in self._combined:
            self._combined[col] = _strings(self.data.column(col)).combine_chunks()
        return self._combined[col]


#: Rule tasks run on two threads: Arrow compute and numpy release the GIL.
_WORKERS = 2


class _Checks:
    """Rule tasks running in a thread pool, each into its own report, merged in order.

    Tasks are submitted in the order their inputs are ready (a table's rules as soon as it
    is read, while the next one is read); a task only waits for tasks submitted before it,
    so two workers cannot wait for each other. The findings do not depend on the timing:
    each task's report is merged in submission order and ``Report.finish`` sorts examples.
    """

    def __init__(self, pool: ThreadPoolExecutor, max_examples: int) -> None:
        self.pool = pool
        self.max_examples = max_examples
        self.text: dict[str, list[Future[str | None]]] = {}  # UTF-8 checks, per column
        self.tasks: list[Future[tuple[Report, Any]]] = []

    def check_text(self, t: _Loaded, raw: pa.Table) -> None:
        self.text[t.spec.name] = [self.pool.submit(_check_text, t.path, c) for c in raw.columns]

    def valid_text(self, *tables: _Loaded) -> bool:
        return all(f.result() is None for t in tables for f in self.text[t.spec.name])

    def run(
        self, fn: Callable[..., Any], *args: Any, needs: tuple[_Loaded, ...] = ()
    ) -> Future[Any]:
        """Run ``fn(report, *args)`` once ``needs`` are known to hold valid text.

        An argument that is a future (of an earlier task) is replaced by its value.
        """

        def task() -> Any:
            out = Report("", "", max_examples=self.max_examples)
            if not self.valid_text(*needs):
                return out, None
            # results of earlier tasks (a reference index): None when it could not be made
            values = [self.value(a) if isinstance(a, Future) else a for a in args]
            if any(v is None for v in values):
                return out, None
            return out, fn(out, *values)

        fut = self.pool.submit(task)
        self.tasks.append(fut)
        return fut

    def value(self, fut: Future[Any]) -> Any:
        return fut.result()[1]

    def text_fatal(self) -> str | None:
        """Why the first table whose text is not UTF-8 cannot be read, if one is not."""
        for futures in self.text.values():
            for fut in futures:
                if (fatal := fut.result()) is not None:
                    return fatal
        return None

    def merge_into(self, report: Report) -> None:
        for fut in self.tasks:
            part, _ = fut.result()
            for code, res in part.results.items():
                report.add_many(code, res.count, res.examples)


def _check_text(path: Path, column: pa.ChunkedArray) -> str | None:
    """Parquet readers do not check UTF-8; a flipped byte can make text invalid.

    A dictionary column's chunks share their row group's dictionary: each distinct one is
    checked once, and each chunk's indices are checked to fall inside it.
    """
    try:
        if not pa.types.is_dictionary(column.type):
            column.validate(full=True)
            return None
        checked: set[tuple[int, ...]] = set()
        for chunk in column.chunks:
            d = chunk.dictionary
            if (key := dictionary_id(d)) not in checked:
                d.validate(full=True)
                checked.add(key)
            chunk.indices.validate(full=True)
            low, high = pc.min_max(chunk.indices).values()
            if low.is_valid and (low.as_py() < 0 or high.as_py() >= len(d)):
                raise pa.ArrowInvalid(f"dictionary index {high.as_py()} out of bounds")
    except (pa.ArrowException, ValueError) as exc:
        return _unreadable(path, exc, None)
    return None


def expand(path: str | Path) -> list[Path]:
    """Dataset directories named by a path: a dataset, its descriptor, or a folder of them."""
    p = Path(path)
    if p.is_dir() and not (p / DESCRIPTOR).is_file():
        found = sorted(d for d in p.iterdir() if (d / DESCRIPTOR).is_file())
        if found:
            return found
    return [resolve(path)]


def validate(
    path: str | Path,
    *,
    sources: str | Path | None = None,
    max_examples: int = 5,
    progress: Progress | None = None,
) -> Report:
    """Validate one dataset (a bundled name, a directory or a ``datapackage.json``).

    Never raises for bad or unreadable data: an input that cannot be read sets
    ``Report.fatal`` (the CLI exits 3), findings go to ``Report.results``.
    """
    say = progress or (lambda _msg: None)
    try:
        directory = resolve(path)
    except DatasetError as exc:
        return Report(str(path), str(path), fatal=str(exc), max_examples=max_examples)
    report = Report(directory.name, str(directory), max_examples=max_examples)
    try:
        descriptor = read_descriptor(directory)
    except DatasetError as exc:
        report.fatal = str(exc)
        return report
    name = descriptor.get("name")
    if isinstance(name, str) and name:
        report.dataset = name
    with ThreadPoolExecutor(max_workers=1) as hasher, ThreadPoolExecutor(_WORKERS) as pool:
        hashes = _start_hashing(hasher, directory, descriptor)
        checks = _Checks(pool, report.max_examples)
        loaded: dict[str, _Loaded] = {}
        try:
            say("reading tables")
            loaded = _load_all(report, directory, descriptor, hashes, sources is not None, checks)
        except DatasetError as exc:
            report.fatal = str(exc)
        say("checking tables, references and provenance")
        # text that is not UTF-8 ends the run (it is found before any later table is read)
        text_fatal = checks.text_fatal()
        if text_fatal is not None:
            report.fatal = text_fatal
        elif report.fatal is None:
            checks.merge_into(report)
        say("checking files")
        _integrity(report, directory, descriptor, hashes)
    if report.fatal is not None:
        report.finish()
        return report
    _freshness(report, directory, descriptor)
    if sources is None:
        _unchecked_quotes(report, loaded)
    else:
        say("checking quotes")
        from chrono.validation.quotes import check_quotes

        check_quotes(report, loaded, Path(sources))
    report.finish()
    _locate(report, directory, loaded)
    return report


def _names_texts(sources: _Loaded) -> bool:
    """Some source names a local copy of its text."""
    return sources.has("text") and sources.data["text"].null_count < sources.rows


def _unchecked_quotes(report: Report, loaded: dict[str, _Loaded]) -> None:
    """A note when quotes cite local texts but no --sources folder was given."""
    claims, sources = loaded.get("claims"), loaded.get("sources")
    if claims is None or sources is None or not sources.has("id", "text"):
        return
    if not claims.has("quote", "source_id") or not _names_texts(sources):
        return
    with_text = pc.is_valid(sources.data["text"]).combine_chunks()
    idx = _lookup(claims.data["source_id"], sources.combined("id"))
    count = _mask_count(pc.and_(pc.is_valid(claims.data["quote"]), pc.take(with_text, idx)))
    if count:
        report.notes.append(
            f"{count} quote{'' if count == 1 else 's'} not checked against "
            "their sources (pass --sources DIR)"
        )


# --------------------------------------------------------------------------- integrity


def _sha256(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    buf = bytearray(_CHUNK)
    view = memoryview(buf)
    with open(path, "rb") as fh:
        while n := fh.readinto(buf):
            h.update(view[:n])
            size += n
    return h.hexdigest(), size


def _start_hashing(
    pool: ThreadPoolExecutor, directory: Path, descriptor: dict[str, Any]
) -> dict[str, Future[tuple[str, int]]]:
    out: dict[str, Future[tuple[str, int]]] = {}
    for res in descriptor["resources"]:
        path = safe_path(directory, res["path"])
        out[res["name"]] = pool.submit(_sha256, path)
    return out


def _rel(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def _integrity(
    report: Report,
    directory: Path,
    descriptor: dict[str, Any],
    hashes: dict[str, Future[tuple[str, int]]],
) -> None:
    for res in descriptor["resources"]:
        name, path = res["name"], safe_path(directory, res["path"])
        try:
            digest, size = hashes[name].result()
        except OSError:
            continue  # reading the table reports the missing or unreadable file
        table = name if name in TABLES else None
        expected = res.get("hash")
        if isinstance(expected, str):
            algo, _, hexd = expected.partition(":") if ":" in expected else ("md5", "", expected)
            if algo == "sha256" and hexd.lower() != digest:
                report.add(
                    Finding(
                        "CHR601",
                        RULES["CHR601"].severity,
                        table,
                        None,
                        None,
                        f"sha256:{digest}",
                        f"{res['path']}: sha256 mismatch: expected sha256:{hexd}, "
                        f"actual sha256:{digest}",
                        _rel(path),
                    )
                )
        if isinstance(res.get("bytes"), int) and res["bytes"] != size:
            report.add(
                Finding(
                    "CHR602",
                    RULES["CHR602"].severity,
                    table,
                    None,
                    None,
                    size,
                    f"{res['path']}: size mismatch: expected {res['bytes']} bytes, "
                    f"actual {size} bytes",
                    _rel(path),
                )
            )


def _freshness(report: Report, directory: Path, descriptor: dict[str, Any]) -> None:
    from chrono.curation import curated_sha256, has_curated_sources

    if not has_curated_sources(directory):
        return
    meta = descriptor.get("chrono")
    recorded = meta.get("curated_sha256") if isinstance(meta, dict) else None
    actual = curated_sha256(directory)
    if recorded == actual:
        return
    why = (
        f"expected curated sha256 {recorded}, actual {actual}"
        if isinstance(recorded, str)
        else "the descriptor records no curated_sha256"
    )
    report.add(
        Finding(
            "CHR604",
            RULES["CHR604"].severity,
            None,
            None,
            None,
            None,
            f"the Parquet is stale: the curated sources changed since the build ({why}); "
            "run chrono build",
            _rel(directory / "dataset.yaml"),
            1,
        )
    )


# --------------------------------------------------------------------------- reading


def _load_all(
    report: Report,
    directory: Path,
    descriptor: dict[str, Any],
    hashes: dict[str, Future[tuple[str, int]]],
    quotes: bool,
    checks: _Checks,
) -> dict[str, _Loaded]:
    by_name = {r["name"]: r for r in descriptor["resources"]}
    out: dict[str, _Loaded] = {}
    for name, spec in TABLES.items():
        res = by_name.get(name)
        if res is None:
            report.add(
                Finding(
                    "CHR101",
                    RULES["CHR101"].severity,
                    name,
                    None,
                    None,
                    None,
                    f"the descriptor lists no table {name!r}",
                    _rel(directory / DESCRIPTOR),
                )
            )
            continue
        path = safe_path(directory, res["path"])
        out[name], raw = _load(report, spec, res, path, hashes.get(name), quotes)
        checks.check_text(out[name], raw)
        checks.run(_per_table, out[name], needs=(out[name],))
        _cross(checks, out, name)
        if name == "sources" and _names_texts(out[name]):
            quotes = True  # the quotes are checked, or counted as not checked
    return out


def _unreadable(path: Path, exc: BaseException, digest: Future[tuple[str, int]] | None) -> str:
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{path}: unreadable Parquet: {reason}"


def _compatible(arr: pa.ChunkedArray, col: Column) -> pa.ChunkedArray | None:
    """The column cast to what the rules expect, or None when it cannot be used."""
    typ = arr.type
    want = arrow_type(col)
    if typ.equals(want):
        return arr
    try:
        if col.kind == "vocab":
            if pa.types.is_dictionary(typ) and pa.types.is_string(typ.value_type):
                return arr
            if pa.types.is_string(typ) or pa.types.is_large_string(typ):
                return arr.cast(pa.string())
            return None
        if col.kind == "string" and pa.types.is_dictionary(typ):
            return arr if pa.types.is_string(typ.value_type) else None
        if col.kind == "string" and pa.types.is_large_string(typ):
            return arr.cast(pa.string())
        if col.kind == "date" and (pa.types.is_date64(typ) or pa.types.is_timestamp(typ)):
            return arr.cast(pa.date32())
        if col.kind == "float" and (pa.types.is_integer(typ) or pa.types.is_floating(typ)):
            return arr.cast(pa.float64())
    except (pa.ArrowException, ValueError):
        return None
    return None


def _load(
    report: Report,
    spec: Table,
    res: dict[str, Any],
    path: Path,
    digest: Future[tuple[str, int]] | None,
    quotes: bool = False,
) -> tuple[_Loaded, pa.Table]:
    """The table's usable columns, and the columns as read (their text is checked later)."""
    try:
        pf = pq.ParquetFile(path)
        schema = pf.schema_arrow
        meta = pf.metadata
    except FileNotFoundError:
        raise DatasetError(f"{path}: not found (listed in {DESCRIPTOR})") from None
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DatasetError(_unreadable(path, exc, digest)) from None
    rel = _rel(path)
    name = spec.name
    rows = meta.num_rows
    if isinstance(res.get("rows"), int) and res["rows"] != rows:
        report.add(
            Finding(
                "CHR603",
                RULES["CHR603"].severity,
                name,
                None,
                None,
                rows,
                f"{res['path']}: row count mismatch: expected {res['rows']} rows, actual {rows}",
                rel,
            )
        )
    present = set(schema.names)
    for col in spec.columns:
        if col.name not in present:
            report.add(
                Finding(
                    "CHR102",
                    RULES["CHR102"].severity,
                    name,
                    None,
                    col.name,
                    None,
                    f"column {col.name!r} is missing",
                    rel,
                )
            )
    for fname in schema.names:
        if fname not in spec.column_names:
            report.add(
                Finding(
                    "CHR105",
                    RULES["CHR105"].severity,
                    name,
                    None,
                    fname,
                    None,
                    f"unknown column {fname!r} (the model's columns: "
                    f"{', '.join(spec.column_names)})",
                    rel,
                )
            )
    skip = set(_STATS_ONLY.get(name, ())) - ({"quote"} if quotes else set())
    try:
        null_counts = _null_counts(pf)
    except (pa.ArrowException, OSError, ValueError) as exc:  # e.g. a column name not UTF-8
        raise DatasetError(_unreadable(path, exc, digest)) from None
    wanted = [c.name for c in spec.columns if c.name in present and c.name not in skip]
    for c in spec.columns:  # a stats-only column without statistics must be read
        if c.name in skip and c.name in present and not c.nullable and c.name not in null_counts:
            wanted.append(c.name)
    as_dict = [
        c
        for c in wanted
        if c in _AS_DICT.get(name, ())
        and (
            pa.types.is_string(schema.field(c).type)
            or pa.types.is_large_string(schema.field(c).type)
        )
    ]
    try:
        # read_table (the dataset reader) decodes column chunks in parallel, faster than
        # ParquetFile.read on two cores
        data = pq.read_table(path, columns=wanted, read_dictionary=as_dict or None)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DatasetError(_unreadable(path, exc, digest)) from None
    arrays: dict[str, pa.ChunkedArray] = {}
    usable: set[str] = set()
    for col in spec.columns:
        if col.name not in present:
            continue
        typ = schema.field(col.name).type
        if not typ.equals(arrow_type(col)):
            report.add(
                Finding(
                    "CHR103",
                    RULES["CHR103"].severity,
                    name,
                    None,
                    col.name,
                    str(typ),
                    f"column {col.name!r} is {typ}, the model says {arrow_type(col)}",
                    rel,
                )
            )
        if col.name not in data.column_names:
            if not col.nullable and null_counts.get(col.name, 0):
                report.add_many(
                    "CHR104",
                    null_counts[col.name],
                    [
                        Finding(
                            "CHR104",
                            RULES["CHR104"].severity,
                            name,
                            None,
                            col.name,
                            None,
                            f"{null_counts[col.name]} null values in required column {col.name!r}",
                            rel,
                        )
                    ],
                )
            continue
        arr = _compatible(data.column(col.name), col)
        if arr is not None:
            arrays[col.name] = arr
            usable.add(col.name)
    table = pa.table(arrays) if arrays else pa.table({"_": pa.nulls(rows)})
    return _Loaded(spec, path, table, rows, usable), data


def _null_counts(pf: pq.ParquetFile) -> dict[str, int]:
    """Null count per top-level column from the statistics, when every row group has them."""
    meta = pf.metadata
    out: dict[str, int] = {}
    missing: set[str] = set()
    for i in range(meta.num_row_groups):
        rg = meta.row_group(i)
        for j in range(rg.num_columns):
            cm = rg.column(j)
            name = cm.path_in_schema
            st = cm.statistics
            if st is None or not st.has_null_count:
                missing.add(name)
                continue
            out[name] = out.get(name, 0) + st.null_count
    for name in missing:
        out.pop(name, None)
    return out


# --------------------------------------------------------------------------- helpers


def _pk(t: _Loaded) -> list[str] | None:
    return list(t.spec.primary_key) if t.has(*t.spec.primary_key) else None


def _pyvalue(arr: pa.Array) -> list[Any]:
    """Python values; dates as ISO text (Python dates cannot hold years before 1)."""
    if pa.types.is_date32(arr.type):
        return [None if d is None else format_day(d) for d in arr.cast(pa.int32()).to_pylist()]
    if pa.types.is_dictionary(arr.type):
        return list(arr.cast(arr.type.value_type).to_pylist())
    if pa.types.is_string(arr.type):
        return [
            None if b is None else b.decode("utf-8", "replace")
            for b in arr.cast(pa.binary()).to_pylist()
        ]
    return list(arr.to_pylist())


def _mask_count(mask: pa.Array | pa.ChunkedArray) -> int:
    """Rows a boolean mask selects (nulls do not count)."""
    if isinstance(mask, pa.ChunkedArray) and mask.num_chunks == 0:
        return 0
    return int(pc.sum(mask).as_py() or 0)


Extra = dict[str, pa.Array | pa.ChunkedArray]


def _emit(
    report: Report,
    code: str,
    t: _Loaded,
    mask: pa.Array | pa.ChunkedArray,
    column: str | None,
    message: Callable[[dict[str, Any]], str],
    extra: Extra | Callable[[], Extra] | None = None,
    key_cols: list[str] | None = None,
    table: str | None = None,
) -> int:
    """Count the rows ``mask`` selects; keep the first examples by key with a message each.

    ``extra`` columns (aligned with ``t``'s rows) are passed to ``message`` with the row's
    own usable columns; ``key_cols`` overrides the key (e.g. the event id of a claim).
    """
    count = _mask_count(mask)
    if count == 0:
        return 0
    mask = pc.fill_null(mask, False)
    cols: dict[str, pa.Array | pa.ChunkedArray] = {
        c: t.data.column(c) for c in t.data.column_names if c != "_"
    }
    if callable(extra):  # built only when some row fails
        extra = extra()
    if extra:
        cols.update(extra)
    keys = key_cols or _pk(t) or []
    sel = pa.table(cols).filter(mask)
    for i, f in enumerate(sel.schema):  # dictionary columns cannot be sort keys
        if pa.types.is_dictionary(f.type):
            sel = sel.set_column(i, f.name, sel.column(i).cast(f.type.value_type))
    k = report.max_examples
    if keys:
        if sel.num_rows > k:
            idx = pc.select_k_unstable(sel, k=k, sort_keys=[(c, "ascending") for c in keys])
            sel = sel.take(idx)
        sel = sel.sort_by([(c, "ascending") for c in keys])
    sel = sel.slice(0, k)
    pycols = {c: _pyvalue(sel.column(c).combine_chunks()) for c in sel.column_names}
    examples = []
    for i in range(sel.num_rows):
        row = {c: v[i] for c, v in pycols.items()}
        key = tuple(str(row[c]) for c in keys) if keys else None
        examples.append(
            Finding(
                code,
                RULES[code].severity,
                table or t.spec.name,
                key,
                column,
                row.get(column) if column else None,
                message(row),
                _rel(t.path),
            )
        )
    report.add_many(code, count, examples)
    return count


def _scatter(n: int, rows: pa.Array, mask: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A mask over ``n`` rows: ``mask`` (over ``rows``) at ``rows``, false elsewhere."""
    out = np.zeros(n, dtype=bool)
    if _mask_count(mask):
        hit = pc.filter(rows, pc.fill_null(mask, False))
        out[np.asarray(hit.to_numpy(zero_copy_only=False), dtype=np.int64)] = True
    return pa.array(out)


def _distinct(a: pa.ChunkedArray | pa.Array, b: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Elementwise 'a differs from b', nulls compared as values.

    Null where both are null (counted as no difference by ``_emit``): when both columns
    are null on the same rows (the usual case) that needs no mask arithmetic per row.
    """
    ne: pa.Array = pc.not_equal(a, b)
    if a.null_count == 0 and b.null_count == 0:
        return ne
    na, nb = pc.is_null(a), pc.is_null(b)
    if a.null_count == b.null_count and bool(pc.all(pc.equal(na, nb)).as_py()):
        return ne
    out: pa.Array = pc.or_(pc.fill_null(ne, False), pc.xor(na, nb))
    return out


def _strings(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    return arr.cast(pa.string()) if not pa.types.is_string(arr.type) else arr


def _dictionaries(arr: pa.ChunkedArray) -> list[tuple[pa.Array, pa.Array]]:
    """(dictionary, chunk) per chunk, the same dictionary object for chunks that share one."""
    seen: dict[tuple[int, ...], pa.Array] = {}
    return [
        (seen.setdefault(dictionary_id(c.dictionary), _strings(c.dictionary)), c)
        for c in arr.chunks
    ]


def _per_dictionary(
    arr: pa.ChunkedArray, fn: Callable[[pa.Array], pa.Array]
) -> list[tuple[pa.Array, pa.Array]]:
    """(``fn`` of the chunk's dictionary, the chunk) per chunk of a dictionary column; ``fn``
    runs once per distinct dictionary (a Parquet row group's chunks share theirs)."""
    done: dict[int, pa.Array] = {}
    out = []
    for d, chunk in _dictionaries(arr):
        if id(d) not in done:
            done[id(d)] = fn(d)
        out.append((done[id(d)], chunk))
    return out


def _pattern_ok(t: _Loaded, col: str, pattern: str) -> pa.ChunkedArray | None:
    """Whether each row's value matches ``pattern``; None when every distinct value does."""
    arr = t.data.column(col)
    if pa.types.is_dictionary(arr.type):
        results = {id(r): r for r, _ in _per_dictionary(arr, _matcher(pattern))}.values()
        if all(pc.all(pc.fill_null(r, True)).as_py() is not False for r in results):
            return None
    return t.per_value(col, _matcher(pattern))


def _matcher(pattern: str) -> Callable[[pa.Array], pa.Array]:
    def match(values: pa.Array) -> pa.Array:
        out: pa.Array = pc.match_substring_regex(values, pattern)
        return out

    return match


Message = Callable[[dict[str, Any]], str]


def _fixed(text: str) -> Message:
    return lambda r: text


def _pattern_message(name: str, pattern: str) -> Message:
    return lambda r: f"{r[name]!r} does not match {pattern}"


def _derived_message(stored: str, src: str) -> Message:
    return lambda r: (
        f"stored {stored} {r[stored]} differs from {r['_fresh']} recomputed from {src} {r[src]!r}"
    )


def _order_message(lo: str, hi: str) -> Message:
    return lambda r: f"{lo} {r[lo]} is after {hi} {r[hi]}"


def _support_message(want: str) -> Message:
    return lambda r: f"event {r['id']!r} has no supporting {want} claim"


# --------------------------------------------------------------------------- per table


def _per_table(report: Report, t: _Loaded) -> None:
    name = t.spec.name
    for col in t.spec.columns:
        if not t.has(col.name):
            continue
        arr = t.data.column(col.name)
        if not col.nullable and arr.null_count:
            _emit(
                report,
                "CHR104",
                t,
                pc.is_null(arr),
                col.name,
                _fixed(f"{col.name} is null but required"),
            )
        if col.pattern and (ok := _pattern_ok(t, col.name, col.pattern)) is not None:
            _emit(
                report,
                "CHR106",
                t,
                pc.invert(pc.fill_null(ok, True)),
                col.name,
                _pattern_message(col.name, col.pattern),
            )
        if col.kind == "vocab":
            _vocab(report, t, col, arr)
    _unique(report, t)
    _dates(report, t)
    if name == "sources" and t.has("id", "retrieved_latest", "published_earliest"):
        mask = pc.less(t.data["retrieved_latest"], t.data["published_earliest"])
        _emit(
            report,
            "CHR406",
            t,
            mask,
            "retrieved",
            lambda r: (
                f"retrieved {r.get('retrieved')} before it was published ({r.get('published')})"
            ),
        )


def _vocab(report: Report, t: _Loaded, col: Column, arr: pa.ChunkedArray) -> None:
    terms = pa.array(vocabulary_terms(col), pa.string())
    masks = []
    for chunk in arr.chunks:
        if pa.types.is_dictionary(chunk.type):
            dictionary = chunk.dictionary.cast(pa.string())
            bad = pc.indices_nonzero(pc.invert(pc.is_in(dictionary, value_set=terms)))
            if len(bad) == 0:
                masks.append(pa.array(np.zeros(len(chunk), dtype=bool)))
                continue
            masks.append(
                pc.fill_null(pc.is_in(chunk.indices, value_set=bad.cast(pa.int32())), False)
            )
        else:
            masks.append(
                pc.and_(
                    pc.is_valid(chunk),
                    pc.invert(pc.fill_null(pc.is_in(chunk, value_set=terms), True)),
                )
            )
    mask = pa.chunked_array(masks, pa.bool_())
    assert col.vocabulary is not None
    allowed = ", ".join(vocab.VOCABULARIES[col.vocabulary])
    _emit(
        report,
        "CHR501",
        t,
        mask,
        col.name,
        lambda r: f"{r[col.name]!r} is not a term of the {col.vocabulary} vocabulary ({allowed})",
    )


def _orderable(t: _Loaded, col: str) -> pa.ChunkedArray:
    """A key column in a form that compares like its strings: a dictionary column as the
    rank of each value among its distinct values, other columns as they are."""
    arr = t.data.column(col)
    if not pa.types.is_dictionary(arr.type):
        return arr
    # rank among every distinct value, then per row group dictionary, then per row
    pairs = _dictionaries(arr)
    dicts = list({id(d): d for d, _ in pairs}.values())
    encoded = pc.dictionary_encode(pa.concat_arrays(dicts))
    dense = pc.rank(encoded.dictionary, tiebreaker="dense").cast(pa.int32())
    rank = pc.take(dense, encoded.indices)
    starts = np.cumsum([0] + [len(d) for d in dicts])
    where = {id(d): rank.slice(int(a), len(d)) for d, a in zip(dicts, starts, strict=False)}
    out = [pc.take(where[id(d)], chunk.indices) for d, chunk in pairs]
    return pa.chunked_array(out, pa.int32())


def _folded(cols: list[pa.ChunkedArray]) -> list[pa.ChunkedArray]:
    """Trailing non-negative integer key columns folded into one that orders like them
    (``a * (max(b) + 1) + b``): one comparison per row instead of one per column."""
    cols = list(cols)
    while len(cols) > 1 and all(pa.types.is_integer(c.type) for c in cols[-2:]):
        a, b = cols[-2], cols[-1]
        lo_a, hi_a = pc.min_max(a).values()
        lo_b, hi_b = pc.min_max(b).values()
        if None in (lo_a.as_py(), lo_b.as_py()) or min(lo_a.as_py(), lo_b.as_py()) < 0:
            break
        width = hi_b.as_py() + 1
        span = (hi_a.as_py() + 1) * width
        if span >= 2**62:
            break
        typ = pa.int32() if span < 2**31 else pa.int64()  # narrow: less memory to fill
        folded = pc.add(pc.multiply(a.cast(typ), pa.scalar(width, typ)), b.cast(typ))
        cols[-2:] = [folded]
    return cols


def _strictly_increasing(cols: list[pa.ChunkedArray]) -> bool:
    """Rows sorted by the key with no two equal (the build's order): uniqueness for free."""
    n = len(cols[0])
    if n < 2:
        return True
    if any(c.null_count for c in cols):
        return False
    cols = _folded(cols)
    gt: pa.Array | None = None
    eq: pa.Array | None = None
    for c in cols:
        a, b = c.slice(0, n - 1), c.slice(1)
        g, e = pc.greater(b, a), pc.equal(b, a)
        gt = g if gt is None else pc.or_(gt, pc.and_(eq, g))
        eq = e if eq is None else pc.and_(eq, e)
    assert gt is not None
    return bool(pc.all(gt).as_py())


def _unique(report: Report, t: _Loaded) -> None:
    keys = _pk(t)
    if keys is None or t.rows == 0:
        return
    if _strictly_increasing([_orderable(t, k) for k in keys]):
        return
    cols = [_strings(t.data.column(k)).combine_chunks() for k in keys]
    g = pa.table(dict(zip(keys, cols, strict=True))).group_by(keys).aggregate([([], "count_all")])
    dup = g.filter(pc.greater(g["count_all"], 1))
    if dup.num_rows == 0:
        return
    excess = int(pc.sum(dup["count_all"]).as_py()) - dup.num_rows
    dup_t = _Loaded(t.spec, t.path, dup, dup.num_rows, set(dup.column_names))
    before = report.results.get("CHR201")
    _emit(
        report,
        "CHR201",
        dup_t,
        pa.array(np.ones(dup.num_rows, dtype=bool)),
        keys[0] if len(keys) == 1 else None,
        lambda r: (
            f"{r['count_all']} rows share the primary key ({', '.join(str(r[k]) for k in keys)})"
        ),
        key_cols=keys,
    )
    # the count is the number of rows beyond the first of each key
    res = report.results["CHR201"]
    res.count += excess - dup.num_rows
    del before


def _edtf_columns(t: _Loaded) -> Iterable[tuple[str, str]]:
    """(EDTF column, prefix of its derived columns) of a table."""
    for col in t.spec.columns:
        if col.edtf:
            yield col.name, "" if col.name == "date" else f"{col.name}_"
    if t.spec.name == "claims":
        yield "value", ""


def _dates(report: Report, t: _Loaded) -> None:
    for src, prefix in _edtf_columns(t):
        if not t.has(src):
            continue
        values = t.data.column(src)
        is_date = None
        if t.spec.name == "claims":  # only date claims hold EDTF values
            if not t.has("property"):
                continue
            is_date = t.is_term("property", "date")
        if pa.types.is_dictionary(values.type):
            derived = derive_encoded(*t.encoded(src), where=is_date)
        else:
            derived = derive_dates(values, where=is_date)
        if derived.errors:
            rows = pa.array(sorted(derived.errors), pa.int64())
            mask = np.zeros(t.rows, dtype=bool)
            mask[np.asarray(rows)] = True
            msgs = pa.array([derived.errors[r] for r in rows.to_pylist()], pa.string())
            full = pa.nulls(t.rows, pa.string())
            msg_col = pc.replace_with_mask(full, pa.array(mask), msgs)
            _emit(
                report,
                "CHR301",
                t,
                pa.array(mask),
                src,
                lambda r: f"invalid EDTF: {r['_msg']}",
                extra={"_msg": msg_col},
            )
            valid = pa.array(~mask)
        else:
            valid = None
        # where only some rows hold EDTF (claims), only those are compared; the others
        # must store nulls
        rows = None if is_date is None else pc.indices_nonzero(pc.fill_null(is_date, False))
        for part in PARTS:
            stored_name = f"{prefix}{part}"
            if stored_name not in t.spec.column_names or not t.has(stored_name):
                continue
            stored = t.data.column(stored_name)
            name = part
            if part == "precision":  # compared as vocabulary codes, not as strings
                stored, name = t.codes(stored_name, _RANK), "precision_rank"
            if rows is None:
                fresh = derived.precision_rank if name != part else derived.part(part)
                diff = _distinct(stored, fresh)
            else:
                assert is_date is not None
                diff = _scatter(
                    t.rows, rows, _distinct(pc.take(stored, rows), derived.at(name, rows))
                )
                diff = pc.or_(
                    diff, pc.and_(pc.invert(pc.fill_null(is_date, False)), pc.is_valid(stored))
                )
            if valid is not None:
                diff = pc.and_(diff, valid)
            if not _mask_count(diff):
                continue
            fresh = derived.part(part)
            _emit(
                report,
                "CHR302",
                t,
                diff,
                stored_name,
                _derived_message(stored_name, src),
                extra={"_fresh": fresh},
            )
        lo, hi = f"{prefix}earliest", f"{prefix}latest"
        if t.has(lo, hi):
            _emit(
                report,
                "CHR303",
                t,
                pc.greater(t.data[lo], t.data[hi]),
                lo,
                _order_message(lo, hi),
            )


# --------------------------------------------------------------------------- cross-table


def _ref_index(
    report: Report,
    child: _Loaded,
    col: str,
    parent: _Loaded | None,
    pcol: str = "id",
) -> pa.Array | None:
    """Row index in ``parent`` of each row's reference (null when unset or unresolved)."""
    if parent is None or not child.has(col) or not parent.has(pcol):
        return None
    values = child.data.column(col)
    if values.null_count == len(values):  # nothing to look up (e.g. no event has a parent)
        return pa.nulls(len(values), pa.int32())
    idx = _lookup(values, parent.combined(pcol))
    if idx.null_count == values.null_count:
        unresolved: pa.Array | None = None  # every set reference resolves
    else:
        unresolved = pc.and_(pc.is_valid(values), pc.is_null(idx))
    if unresolved is not None:
        _emit(
            report,
            "CHR202",
            child,
            unresolved,
            col,
            lambda r: f"{col} {r[col]!r} is not an id in {parent.spec.name}",
        )
    return idx


def _lookup(values: pa.ChunkedArray, keys: pa.Array) -> pa.Array:
    """Row index in ``keys`` of each value (int32; null when unset or not a key).

    Looked up once per distinct value where that is cheap to know: a dictionary column by
    its dictionary; a column whose equal values stand together (a table sorted by the
    reference, as the build writes claims and participants) by its runs, and when the runs
    are exactly ``keys`` in order, no lookup at all.
    """
    n = len(values)
    if n == 0:
        return pa.array([], pa.int32())
    if pa.types.is_dictionary(values.type):
        found = _per_dictionary(values, lambda d: pc.index_in(d, value_set=keys))
        return pa.concat_arrays([pc.take(pos, c.indices) for pos, c in found])
    values = _strings(values)
    change = pc.not_equal(values.slice(1), values.slice(0, n - 1))
    if change.null_count:
        change = pc.fill_null(change, True)
    first = np.ones(n, dtype=bool)
    first[1:] = change.to_numpy(zero_copy_only=False) if n > 1 else first[1:]
    starts = np.flatnonzero(first)
    if len(starts) > 0.75 * n:  # no long runs: look every row up
        out = pc.index_in(values, value_set=keys)
        return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out
    uniq = values.take(pa.array(starts)).combine_chunks()
    run_ids = np.cumsum(first, dtype=np.int32)
    run_ids -= 1
    run = pa.array(run_ids)
    if (
        len(uniq) == len(keys)
        and uniq.null_count == 0
        and bool(pc.all(pc.equal(uniq, keys)).as_py())
    ):
        return run  # the runs are the keys, in order
    out = pc.take(pc.index_in(uniq, value_set=keys), run)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def _cross(checks: _Checks, loaded: dict[str, _Loaded], arrived: str) -> None:
    """Schedule the cross-table rules that the table just read (``arrived``) completes.

    Tables are read in model order (places, actors, sources, events, participants,
    claims), so the rules on events and participants run while claims are still being read.
    """
    get = loaded.get
    events, claims, parts = get("events"), get("claims"), get("participants")

    def ref(child: _Loaded | None, col: str, parent: _Loaded | None) -> Future[Any] | None:
        if child is None or parent is None:
            return None
        return checks.run(_ref_index, child, col, parent, needs=(child, parent))

    if arrived == "events" and events is not None:
        ref(events, "place_id", get("places"))
        checks.run(_parents, events, needs=(events,))
    if arrived == "participants" and parts is not None:
        p_ev = ref(parts, "event_id", events)
        p_act = ref(parts, "actor_id", get("actors"))
        if events is not None and p_ev is not None and p_act is not None:
            checks.run(_duplicates, events, parts, p_ev, p_act, needs=(events, parts))
    if arrived == "claims" and claims is not None:
        sources = get("sources")
        ev_idx = ref(claims, "event_id", events)
        src_idx = ref(claims, "source_id", sources)
        if events is None or ev_idx is None or not claims.has("property", "stance"):
            return
        checks.run(_claim_rules, events, claims, ev_idx, needs=(events, claims))
        if sources is not None and src_idx is not None:
            checks.run(
                _published,
                events,
                claims,
                sources,
                ev_idx,
                src_idx,
                needs=(events, claims, sources),
            )


def _parents(report: Report, events: _Loaded) -> None:
    parent_idx = _ref_index(report, events, "parent_id", events)
    if parent_idx is None or not events.has("earliest", "latest"):
        return
    if parent_idx.null_count == len(parent_idx):  # no event has a (known) parent
        return
    p_lo = pc.take(events.data["earliest"], parent_idx)
    p_hi = pc.take(events.data["latest"], parent_idx)
    mask = pc.or_(pc.less(events.data["earliest"], p_lo), pc.greater(events.data["latest"], p_hi))
    _emit(
        report,
        "CHR304",
        events,
        mask,
        "parent_id",
        lambda r: (
            f"interval {r['earliest']}..{r['latest']} lies outside its parent "
            f"{r['parent_id']!r} ({r['_plo']}..{r['_phi']})"
        ),
        extra={"_plo": p_lo, "_phi": p_hi},
    )


def _claim_rules(report: Report, events: _Loaded, claims: _Loaded, ev_idx: pa.Array) -> None:
    prop = claims.codes("property", _TERMS["property"])
    supports = claims.is_term("stance", "supports")
    _support(report, events, claims, ev_idx, prop, supports)
    _date_claims(report, events, claims, ev_idx, prop, supports)


def _support(
    report: Report,
    events: _Loaded,
    claims: _Loaded,
    ev_idx: pa.Array,
    prop: pa.ChunkedArray,
    supports: pa.ChunkedArray,
) -> None:
    if not events.has("id"):
        return
    for code, want in (("CHR401", "occurrence"), ("CHR402", "date")):
        sel = pc.fill_null(
            pc.and_(pc.equal(prop, list(vocab.PROPERTY).index(want)), supports), False
        )
        idx = pc.drop_null(pc.filter(ev_idx, sel)).to_numpy(zero_copy_only=False)
        has = np.zeros(events.rows, dtype=bool)
        has[idx] = True
        _emit(
            report,
            code,
            events,
            pa.array(~has),
            None,
            _support_message(want),
        )


_RANK = pa.array(vocab.PRECISION_ORDER, pa.string())


def _date_claims(
    report: Report,
    events: _Loaded,
    claims: _Loaded,
    ev_idx: pa.Array,
    prop: pa.ChunkedArray,
    supports: pa.ChunkedArray,
) -> None:
    if not events.has("id", "earliest", "latest") or not claims.has("id", "earliest", "latest"):
        return
    sel = pc.fill_null(
        pc.and_(
            pc.and_(pc.equal(prop, list(vocab.PROPERTY).index("date")), supports),
            pc.is_valid(ev_idx),
        ),
        False,
    )
    # only the supporting date claims: gather their events' bounds, not every claim's
    rows = pc.indices_nonzero(sel)
    ev_sel = pc.take(ev_idx, rows)
    outside = pc.or_(
        pc.less(pc.take(events.data["earliest"], ev_sel), pc.take(claims.data["earliest"], rows)),
        pc.greater(pc.take(events.data["latest"], ev_sel), pc.take(claims.data["latest"], rows)),
    )
    if events.has("status"):
        disputed = pc.take(events.is_term("status", "disputed"), ev_sel)
        outside = pc.and_(outside, pc.invert(pc.fill_null(disputed, False)))
    bad = np.zeros(claims.rows, dtype=bool)
    bad[
        rows.to_numpy()[np.asarray(pc.fill_null(outside, False).to_numpy(zero_copy_only=False))]
    ] = True

    def extra() -> Extra:
        return {
            "_elo": pc.take(events.data["earliest"], ev_idx),
            "_ehi": pc.take(events.data["latest"], ev_idx),
            "event_id": pc.take(events.data["id"], ev_idx),
        }

    _emit(
        report,
        "CHR403",
        claims,
        pa.array(bad),
        "date",
        lambda r: (
            f"event interval {r['_elo']}..{r['_ehi']} is not inside supporting date "
            f"claim {r['id']!r} ({r['earliest']}..{r['latest']}): narrow the date, or mark the "
            "event disputed"
        ),
        extra=extra,
        key_cols=["event_id", "id"],
        table="events",
    )
    if not events.has("precision") or not claims.has("precision"):
        return
    c_rank = claims.codes("precision", _RANK)
    sel = pc.and_(sel, pc.is_valid(c_rank))
    finest = np.full(events.rows, len(_RANK), dtype=np.int64)
    np.minimum.at(
        finest,
        np.asarray(pc.filter(ev_idx, sel).to_numpy(zero_copy_only=False), dtype=np.int64),
        np.asarray(pc.filter(c_rank, sel).to_numpy(zero_copy_only=False), dtype=np.int64),
    )
    e_rank = events.codes("precision", _RANK)
    mask = pc.less(e_rank, pa.array(finest))
    names = pc.take(_RANK, pa.array(np.minimum(finest, len(_RANK) - 1)))
    _emit(
        report,
        "CHR404",
        events,
        mask,
        "precision",
        lambda r: (
            f"precision {r['precision']} is finer than its most precise supporting "
            f"date claim ({r['_finest']})"
        ),
        extra={"_finest": names},
    )


def _published(
    report: Report,
    events: _Loaded,
    claims: _Loaded,
    sources: _Loaded,
    ev_idx: pa.Array,
    src_idx: pa.Array,
) -> None:
    if not (
        claims.has("id", "mode") and events.has("latest") and sources.has("id", "published_latest")
    ):
        return
    modes = claims.codes("mode", _MODES)
    reported = pc.equal(modes, _MODE_TERMS.index("reported"))
    e_hi = pc.take(events.data["latest"], ev_idx)
    s_hi = pc.take(sources.data["published_latest"], src_idx)
    mask = pc.and_(reported, pc.greater(e_hi, s_hi))
    _emit(
        report,
        "CHR405",
        claims,
        mask,
        "mode",
        lambda r: (
            f"source {r['source_id']!r} (published by {r['_shi']}) reports event "
            f"{r['event_id']!r} as past, but it ends {r['_ehi']}: use mode announced, or fix "
            "the dates"
        ),
        extra={"_ehi": e_hi, "_shi": s_hi},
    )
    # CHR407: announced or ongoing, where the publication bounds make that impossible
    if not (events.has("earliest", "latest") and sources.has("published_earliest")):
        return
    announced = pc.equal(modes, _MODE_TERMS.index("announced"))
    ongoing = pc.equal(modes, _MODE_TERMS.index("ongoing"))
    if not (_mask_count(announced) or _mask_count(ongoing)):
        return
    e_lo = pc.take(events.data["earliest"], ev_idx)
    s_lo = pc.take(sources.data["published_earliest"], src_idx)
    after_start = pc.fill_null(pc.greater(s_lo, e_lo), False)
    before_start = pc.fill_null(pc.less(s_hi, e_lo), False)
    after_end = pc.fill_null(pc.greater(s_lo, e_hi), False)
    mask = pc.or_(
        pc.and_(announced, after_start),
        pc.and_(ongoing, pc.or_(before_start, after_end)),
    )
    why = pc.if_else(
        announced,
        pa.scalar("after it began: announced must be published before the event"),
        pc.if_else(
            before_start,
            pa.scalar("before it began: ongoing must be published while it is under way"),
            pa.scalar("after it ended: ongoing must be published while it is under way"),
        ),
    )
    _emit(
        report,
        "CHR407",
        claims,
        mask,
        "mode",
        lambda r: (
            f"source {r['source_id']!r} (published {r['_slo']}..{r['_shi']}) calls event "
            f"{r['event_id']!r} ({r['_elo']}..{r['_ehi']}) {r['mode']}, but was published "
            f"{r['_why']}; fix the mode or the dates"
        ),
        extra={"_elo": e_lo, "_ehi": e_hi, "_slo": s_lo, "_shi": s_hi, "_why": why},
    )


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64: a well-spread 64-bit hash of each integer."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _maybe_shared(key: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The ``rows`` whose ``key`` another of ``rows`` may have (every row that has one is
    kept, a few that do not may be), in ascending order.

    Most keys are single: a count per hash bucket (no sort) leaves the rows whose bucket
    holds two or more, and a second bucketing by other bits leaves fewer. The caller sorts
    what is left by key anyway, which settles which keys are really shared.
    """
    keys = key[rows]
    for shift in (0, 32):  # two bucketings by independent bits; the second sees few rows
        if len(rows) < 2:
            break
        bits = max(10, (2 * len(rows)).bit_length())
        slot = ((keys >> np.uint64(shift)) & np.uint64((1 << bits) - 1)).astype(np.intp)
        maybe = np.bincount(slot, minlength=1 << bits)[slot] > 1
        del slot
        rows, keys = rows[maybe], keys[maybe]
    return rows if len(rows) >= 2 else rows[:0]


def _duplicates(
    report: Report, events: _Loaded, parts: _Loaded, p_ev: pa.Array, p_act: pa.Array
) -> None:
    """Same type, same participants, overlapping intervals.

    Each event's set of actors is hashed (sum of a 64-bit hash per distinct actor), events
    are keyed by (type, actor-set hash), and only the events whose key may repeat (hash
    buckets) are sorted by key and start date; an event overlapping the running maximum
    end of its group is flagged.
    """
    if not events.has("id", "type", "earliest", "latest"):
        return
    if p_ev.null_count or p_act.null_count:
        ok = pc.and_(pc.is_valid(p_ev), pc.is_valid(p_act))
        p_ev, p_act = pc.filter(p_ev, ok), pc.filter(p_act, ok)
    # event and actor row numbers as they are (int32, zero-copy): no 64-bit copies
    e = np.asarray(p_ev.to_numpy(zero_copy_only=False))
    a = np.asarray(p_act.to_numpy(zero_copy_only=False))
    n = events.rows
    if len(e) == 0 or n < 2:
        return
    width = int(a.max()) + 1
    new_event = e[1:] != e[:-1]
    # the build writes participants sorted by (event, actor): then each pair is distinct
    increasing = (e[1:] > e[:-1]) | (~new_event & (a[1:] > a[:-1]))
    if not bool(increasing.all()):
        pair = np.unique(e.astype(np.int64) * width + a)  # sorted, each (event, actor) once
        e, a = pair // width, pair % width
        new_event = e[1:] != e[:-1]
    del increasing
    sig = np.zeros(n, dtype=np.uint64)
    starts = np.flatnonzero(np.concatenate(([True], new_event)))
    del new_event
    # an event's signature: the sum of a hash per actor (hashed once per actor, not per row)
    with_actors = e[starts]
    sig[with_actors] = np.add.reduceat(_mix(np.arange(width))[a], starts)
    has = np.zeros(n, dtype=bool)
    has[with_actors] = True
    t_idx = events.codes("type", _TYPES)
    lo_a, hi_a = events.data["earliest"], events.data["latest"]
    usable = pc.and_(pc.and_(pc.is_valid(t_idx), pc.is_valid(lo_a)), pc.is_valid(hi_a))
    use = has & np.asarray(usable.to_numpy(zero_copy_only=False), dtype=bool)
    t = np.asarray(pc.fill_null(t_idx, 0).to_numpy(zero_copy_only=False), dtype=np.uint64)
    key = sig * np.uint64(31) + t
    rows = np.flatnonzero(use)
    rows = _maybe_shared(key, rows)
    if len(rows) < 2:
        return
    lo = np.asarray(pc.fill_null(lo_a.cast(pa.int32()), 0).to_numpy(), dtype=np.int64)[rows]
    hi = np.asarray(pc.fill_null(hi_a.cast(pa.int32()), 0).to_numpy(), dtype=np.int64)[rows]
    k = key[rows]
    order = np.lexsort((rows, lo, k))
    rows, lo, hi, k = rows[order], lo[order], hi[order], k[order]
    m = len(rows)
    same = np.zeros(m, dtype=bool)
    same[1:] = k[1:] == k[:-1]
    group = np.cumsum(~same).astype(np.int64)
    shift = np.int64(1 << 33)
    gkey = group * shift + hi + (1 << 31)
    runmax = np.maximum.accumulate(gkey)
    holder = np.maximum.accumulate(np.where(gkey == runmax, np.arange(m), 0))
    dup = np.zeros(m, dtype=bool)
    dup[1:] = same[1:] & (group[1:] * shift + lo[1:] + (1 << 31) <= runmax[:-1])
    if not dup.any():
        return
    mask = np.zeros(n, dtype=bool)
    mask[rows[dup]] = True
    other = np.zeros(n, dtype=np.int64)
    prev_holder = np.zeros(m, dtype=np.int64)
    prev_holder[1:] = holder[:-1]
    other[rows[dup]] = rows[prev_holder[dup]]
    # the other event's id on the flagged rows only (null elsewhere: nothing to copy)
    other_id = pc.take(events.data["id"], pa.array(other, mask=~mask))
    _emit(
        report,
        "CHR701",
        events,
        pa.array(mask),
        None,
        lambda r: (
            f"likely a duplicate of {r['_other']!r}: same type ({r['type']}), same "
            "participants, overlapping dates"
        ),
        extra={"_other": other_id},
    )


_TYPES = pa.array(list(vocab.EVENT_TYPE), pa.string())
_MODE_TERMS = list(vocab.MODE)
_MODES = pa.array(_MODE_TERMS, pa.string())


# --------------------------------------------------------------------------- locations


def _locate(report: Report, directory: Path, loaded: dict[str, _Loaded]) -> None:
    """Point examples at the curated YAML file and line, when the dataset has them."""
    if not report.results:
        return
    from chrono.curation import CurationError, has_curated_sources, read_curated

    if not has_curated_sources(directory):
        return
    try:
        locations = read_curated(directory).locations
    except (CurationError, OSError):
        return
    for res in report.results.values():
        located = []
        for f in res.examples:
            where = locations.get((f.table, f.key)) if f.table and f.key else None
            if where is not None:
                file, line = where
                f = Finding(
                    f.code,
                    f.severity,
                    f.table,
                    f.key,
                    f.column,
                    f.value,
                    f.message,
                    _rel(directory / file),
                    line,
                )
            located.append(f)
        res.examples = located
