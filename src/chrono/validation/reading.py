"""Reading a dataset for validation: files' sha256 and sizes, Parquet footers, the columns
the rules need, their text (UTF-8), and freshness against the curated sources.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from chrono.model.derive import dictionary_id
from chrono.model.schema import arrow_type
from chrono.model.tables import TABLES, Column, Table
from chrono.package import DESCRIPTOR, DatasetError, safe_path
from chrono.validation.report import Finding, Report
from chrono.validation.rules import RULES
from chrono.validation.table import Loaded, _rel, _string_buffers

#: Free-text columns whose only rule is "not null": checked from the Parquet statistics,
#: never read (they are the bulk of the bytes of the big tables).
_STATS_ONLY = {"events": {"title", "summary"}, "claims": {"note", "quote"}}


_CHUNK = 16 << 20


#: String columns with few distinct values, read as dictionaries straight from the Parquet
#: dictionary pages: their rules (references, patterns, EDTF) look at each distinct value
#: once, and the rows are never materialised as strings. Not for columns with many distinct
#: values per row group (claims' source_id and value): their dictionary pages overflow, the
#: writer falls back to plain pages, and rebuilding a dictionary on read costs more than it
#: saves.
_AS_DICT = {
    "claims": {"locator"},
    "participants": {"actor_id"},
    "events": {"place_id", "date"},
}


def _check_text(path: Path, column: pa.ChunkedArray) -> str | None:
    """Parquet readers do not check UTF-8; a flipped byte can make text invalid.

    A dictionary column's chunks share their row group's dictionary: each distinct one is
    checked once, and each chunk's indices are checked to fall inside it.
    """
    try:
        if not pa.types.is_dictionary(column.type):
            for chunk in column.chunks:
                _check_chunk(chunk)
            return None
        checked: set[tuple[int, ...]] = set()
        for chunk in column.chunks:
            d = chunk.dictionary
            if (key := dictionary_id(d)) not in checked:
                _check_chunk(d)
                checked.add(key)
            chunk.indices.validate(full=True)
            low, high = pc.min_max(chunk.indices).values()
            if low.is_valid and (low.as_py() < 0 or high.as_py() >= len(d)):
                raise pa.ArrowInvalid(f"dictionary index {high.as_py()} out of bounds")
    except (pa.ArrowException, ValueError) as exc:
        return _unreadable(path, exc)
    return None


def _check_chunk(chunk: pa.Array) -> None:
    """Raise unless the chunk is well formed; text must be UTF-8.

    Text that is all ASCII (every byte below 0x80, one vectorised pass) is UTF-8, and
    offsets that never decrease and stay inside the data are sound: most columns pass
    that test ~3x faster than Arrow's full validation, which judges the rest.
    """
    chunk.validate()
    if pa.types.is_string(chunk.type) and len(chunk):
        offsets, data = _string_buffers(chunk)
        if (
            offsets[0] >= 0
            and offsets[-1] <= len(data)
            and bool((offsets[1:] >= offsets[:-1]).all())
        ):
            body = data[offsets[0] : offsets[-1]]
            if len(body) == 0 or int(body.max()) < 0x80:
                return
    chunk.validate(full=True)


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


def _freshness(report: Report, directory: Path, descriptor: dict[str, Any]) -> bool:
    """Report CHR604 when the curated sources changed since the build; True then."""
    from chrono.curation import curated_sha256, has_curated_sources

    if not has_curated_sources(directory):
        return False
    meta = descriptor.get("chrono")
    recorded = meta.get("curated_sha256") if isinstance(meta, dict) else None
    actual = curated_sha256(directory)
    if recorded == actual:
        return False
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
    return True


def _unreadable(path: Path, exc: BaseException) -> str:
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
    quotes: bool = False,
) -> tuple[Loaded, pa.Table]:
    """The table's usable columns, and the columns as read (their text is checked later)."""
    try:
        pf = pq.ParquetFile(path)
        schema = pf.schema_arrow
        meta = pf.metadata
    except FileNotFoundError:
        raise DatasetError(f"{path}: not found (listed in {DESCRIPTOR})") from None
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DatasetError(_unreadable(path, exc)) from None
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
        raise DatasetError(_unreadable(path, exc)) from None
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
        raise DatasetError(_unreadable(path, exc)) from None
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
    return Loaded(spec, path, table, rows, usable), data


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
