"""Compile a dataset's curated YAML sources into Parquet tables and ``datapackage.json``.

The output is deterministic: rows sorted by primary key, dictionaries fixed to the full
vocabulary, fixed writer options, and nothing about the build (time, host, path) inside.
Tables are stored under content-addressed names (``data/<table>-<16 hex>.parquet``) and the
descriptor's atomic replacement commits a build (:mod:`chrono.commit`), so a failed or
killed build leaves the previous output whole.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from chrono import collector, commit, safeio
from chrono.commit import DATA_DIR as DATA_DIR
from chrono.commit import table_path
from chrono.curation import Curated, CurationError, Problem, read_curated
from chrono.model.derive import PARTS, derive_dates
from chrono.model.schema import arrow_schema, frictionless_schema
from chrono.model.tables import TABLES, Table, vocabulary_terms
from chrono.model.vocabularies import CORE, Vocabularies
from chrono.package import DESCRIPTOR, DatasetError
from chrono.safeio import InputError
from chrono.schemas import dataset_schemas

FORMAT_VERSION = 1
#: Parquet writer options; changing any of them changes every published byte.
WRITE_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "row_group_size": 1 << 20,
    "store_schema": True,
}


@dataclass
class BuildResult:
    """What a build produced (in memory until written)."""

    files: dict[str, bytes]  # path relative to the dataset -> bytes
    rows: dict[str, int]
    descriptor: dict[str, Any]
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def to_arrow(
    table: Table, rows: list[dict[str, Any]], vocabularies: Vocabularies = CORE
) -> pa.Table:
    """Rows of plain values -> an Arrow table of the model's schema, sorted by primary key."""
    names = table.column_names
    data: dict[str, pa.Array] = {}
    given = {c for row in rows for c in row}
    for col in table.columns:
        if col.derived_from is None:
            typ = pa.float64() if col.kind == "float" else pa.string()
            data[col.name] = pa.array([r.get(col.name) for r in rows], typ)
    for col in table.columns:  # derived date columns, from their EDTF source column
        if col.derived_from is None or col.name in data:
            continue
        source = col.derived_from
        # only date claims hold EDTF in claims.value, each in its own calendar
        claims = table.name == "claims"
        where = pc.equal(data["property"], "date") if claims else None
        calendar = pc.fill_null(data["calendar"], "gregorian") if claims else None
        derived = derive_dates(data[source], where=where, calendar=calendar)
        if derived.errors:
            row, msg = min(derived.errors.items())
            raise ValueError(f"{table.name} row {row}: {source}: {msg}")
        prefix = f"{source}_" if source != "date" and table.name != "claims" else ""
        for part in PARTS:
            name = f"{prefix}{part}"
            if name in names and name not in data:
                data[name] = derived.part(part)
    unknown = given - set(names)
    if unknown:
        raise ValueError(f"{table.name}: unknown columns {sorted(unknown)}")
    result = pa.table([data[n] for n in names], names=list(names))
    result = result.sort_by([(k, "ascending") for k in table.primary_key])
    return conform(table, result, vocabularies)


def conform(table: Table, data: pa.Table, vocabularies: Vocabularies = CORE) -> pa.Table:
    """Cast to the model's schema; vocabulary columns get the full, fixed dictionary
    (the core terms, then the dataset's own)."""
    arrays = []
    for col in table.columns:
        arr = data.column(col.name).combine_chunks()
        if col.kind == "vocab":
            terms = pa.array(vocabulary_terms(col, vocabularies), pa.string())
            plain = arr.cast(pa.string()) if pa.types.is_dictionary(arr.type) else arr
            idx = pc.index_in(plain, value_set=terms).cast(pa.int32())
            lost = pc.and_(pc.is_null(idx), pc.is_valid(plain))
            if pc.any(lost).as_py():
                bad = plain.filter(lost)[0].as_py()
                raise ValueError(
                    f"{table.name}.{col.name}: {bad!r} is not a term of the "
                    f"{col.vocabulary} vocabulary"
                )
            arr = pa.DictionaryArray.from_arrays(idx, terms)
        elif col.kind == "date" and not pa.types.is_date32(arr.type):
            arr = arr.cast(pa.date32())
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=arrow_schema(table))


def parquet_bytes(data: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(data, sink, **WRITE_OPTIONS)
    return sink.getvalue()


def compile_curated(curated: Curated, curated_hash: str) -> BuildResult:
    """Compile checked curated content into Parquet bytes and a descriptor."""
    vocabularies = curated.vocabularies
    tables = {
        name: to_arrow(spec, curated.rows[name], vocabularies) for name, spec in TABLES.items()
    }
    sources = sorted(curated.rows["sources"], key=lambda r: r["id"])
    result = assemble(
        tables,
        curated.meta,
        curated_hash=curated_hash,
        sources=[listed(s) for s in sources],
        vocabularies=vocabularies,
    )
    result.files.update(dataset_schemas(vocabularies))  # for editors: docs/schemas.md
    return result


def listed(source: dict[str, Any]) -> dict[str, str]:
    """A source as the descriptor's ``sources`` list names it (Data Package v1).

    v1 requires a string ``title`` on every source object. Where the headline is unknown it
    is the empty string: never the publisher or the id, which a reader would take for the
    headline. The publisher travels in its own namespaced property.
    """
    entry = {"title": source["title"] or ""}
    if source["url"]:
        entry["path"] = source["url"]
    if source["publisher"]:
        entry["chrono:publisher"] = source["publisher"]
    return entry


def assemble(
    tables: dict[str, pa.Table],
    meta: dict[str, Any],
    *,
    curated_hash: str | None = None,
    sources: list[dict[str, str]] | None = None,
    vocabularies: Vocabularies = CORE,
) -> BuildResult:
    """Parquet bytes and descriptor for tables already in the model's schema.

    ``meta`` needs ``name``, ``title``, ``version`` and ``license``; ``description``,
    ``keywords``, ``creators``, ``released``, ``homepage``, ``repository`` and ``doi`` are
    optional (see :mod:`chrono.model.curated`).
    """
    files: dict[str, bytes] = {}
    rows: dict[str, int] = {}
    resources = []
    for name, spec in TABLES.items():
        table = tables[name]
        blob = parquet_bytes(table)
        digest = hashlib.sha256(blob).hexdigest()
        path = table_path(name, digest)
        files[path] = blob
        rows[name] = table.num_rows
        resources.append(
            {
                "name": name,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "description": spec.description,
                "hash": "sha256:" + digest,
                "bytes": len(blob),
                "rows": table.num_rows,
                "schema": frictionless_schema(spec, vocabularies),
            }
        )
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": meta["name"],
        "title": meta["title"],
        "version": meta["version"],
    }
    if meta.get("description"):
        descriptor["description"] = meta["description"]
    if meta.get("keywords"):  # the spec wants none, or at least one
        descriptor["keywords"] = list(meta["keywords"])
    descriptor["licenses"] = [{"name": meta["license"]}]
    creators = [{k: v for k, v in c.items() if v} for c in meta.get("creators") or []]
    if creators:
        descriptor["contributors"] = [contributor(c) for c in creators]
    if meta.get("homepage"):
        descriptor["homepage"] = meta["homepage"]
    if meta.get("doi"):
        descriptor["id"] = f"https://doi.org/{meta['doi']}"
    if sources is not None:
        descriptor["sources"] = sources
    descriptor["resources"] = resources
    chrono_meta: dict[str, Any] = {"format_version": FORMAT_VERSION}
    if creators:
        chrono_meta["creators"] = creators
    for key in ("released", "repository", "doi"):
        if meta.get(key):
            chrono_meta[key] = meta[key]
    if vocabularies.declared:
        chrono_meta["vocabularies"] = vocabularies.to_descriptor()
    if curated_hash is not None:
        chrono_meta["curated_sha256"] = curated_hash
    chrono_meta["writer"] = f"pyarrow {pa.__version__}"
    descriptor["chrono"] = chrono_meta
    files[DESCRIPTOR] = descriptor_bytes(descriptor)
    return BuildResult(files=files, rows=rows, descriptor=descriptor)


def contributor(creator: dict[str, str]) -> dict[str, str]:
    """A creator as a Data Package ``contributors`` entry (title, role, path, organization)."""
    out = {"title": creator["name"], "role": "author"}
    if creator.get("orcid"):
        out["path"] = f"https://orcid.org/{creator['orcid']}"
    if creator.get("affiliation"):
        out["organization"] = creator["affiliation"]
    return out


def write_dataset(directory: Path, tables: dict[str, pa.Table], meta: dict[str, Any]) -> Path:
    """Write Arrow tables of the model as a dataset directory (Parquet + descriptor).

    Tables are cast to the model's schema (vocabulary columns get the fixed dictionary);
    derived columns must be present. For datasets made by code rather than curated YAML:
    synthetic benchmarks, conversions, tests.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    conformed = {name: conform(spec, tables[name]) for name, spec in TABLES.items()}
    write(directory, assemble(conformed, meta))
    return directory


def descriptor_bytes(descriptor: dict[str, Any]) -> bytes:
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def build(root: Path) -> BuildResult:
    """Read, check, compile and validate the dataset at ``root`` (nothing is written).

    Raises :class:`CurationError` listing every problem: in the YAML itself, or, when the
    YAML is sound, found by ``chrono validate`` in the compiled tables (the same rules users
    run in CI, so a build never writes output that ``chrono validate`` rejects).
    """
    root = Path(root)
    with collector.paused():  # the records all stay alive until the build is done
        curated = read_curated(root)
        if curated.problems:
            raise CurationError(curated.problems)
        result = compile_curated(curated, curated.sha256(root))
        verify(result, curated)
        del curated  # freed before the collector resumes: it never walks the records
    return result


#: Examples kept per rule when the build validates its output: every problem is listed.
ALL_EXAMPLES = 100_000


def verify(result: BuildResult, curated: Curated) -> None:
    """Validate compiled output; raise listing every error, each at its YAML field."""
    from chrono.validation.sources import compiled_report

    report = compiled_report(result, curated, ALL_EXAMPLES)
    if report.fatal is not None:  # pragma: no cover - compiled output is always readable
        raise CurationError([Problem(DESCRIPTOR, None, None, "CHR101", report.fatal)])
    problems = [
        Problem(f.file or DESCRIPTOR, f.line, f.col, f.code, f.message)
        for res in report.results.values()
        if res.severity == "error"
        for f in res.examples
    ]
    if problems:
        raise CurationError(problems)


def write(root: Path, result: BuildResult) -> list[str]:
    """Commit a build (:func:`chrono.commit.write`); returns the paths whose bytes changed.

    Raises :class:`~chrono.safeio.OutputError` (previous build intact) when it cannot.
    """
    written = commit.write(Path(root), result.files)
    result.written, result.removed = written.changed, written.removed
    return written.changed


@dataclass
class Staleness:
    """Differences between a fresh build and the files on disk."""

    stale: list[str]  # paths whose content differs (or that are missing)
    byte_only: list[str]  # same content, different bytes (another pyarrow wrote them)


def check(root: Path, result: BuildResult) -> Staleness:
    """Compare a fresh build with what is on disk, without writing.

    Tables are named by table (their file names follow their bytes), the descriptor by path.
    The text files (descriptor, schemas) are equal when they differ in line endings only
    (a BOM counts: JSON readers refuse one).
    """
    from chrono.dataset import Dataset

    stale: list[str] = []
    byte_only: list[str] = []
    truthful = True  # the descriptor's hash and size of each table are the file's
    try:
        ds = Dataset.open(Path(root))
    except DatasetError:
        return Staleness([*result.rows, DESCRIPTOR], [])
    with ds:
        for res in result.descriptor["resources"]:
            table, blob = res["name"], result.files[res["path"]]
            try:
                current = ds.opened(table).read()
            except InputError:
                stale.append(table)
                continue
            spec = ds.resource(table).spec
            digest = f"sha256:{hashlib.sha256(current).hexdigest()}"
            truthful &= spec.get("hash") == digest and spec.get("bytes") == len(current)
            if current == blob:
                continue
            (byte_only if _same_content(current, blob) else stale).append(table)
        current = ds.raw_descriptor
    tables = {res["path"] for res in result.descriptor["resources"]}
    for rel, blob in result.files.items():  # the curated schemas beside the tables
        if rel in tables or rel == DESCRIPTOR:
            continue
        try:
            on_disk = safeio.read_bytes(Path(root) / rel, kind="descriptor", root=root)
            if safeio.lf_endings(on_disk) == blob:
                continue
        except InputError:
            pass
        stale.append(rel)
    fresh = result.files[DESCRIPTOR]
    if safeio.lf_endings(current) != fresh:
        same = truthful and _same_descriptor(current, result.descriptor)
        (byte_only if same else stale).append(DESCRIPTOR)
    stale.extend(commit.leftovers(Path(root), current, fresh))  # what the build would remove
    return Staleness(stale, byte_only)


def _same_content(a: bytes, b: bytes) -> bool:
    try:
        ta, tb = safeio.parquet_from_memory(a), safeio.parquet_from_memory(b)
    except (pa.ArrowException, OSError):
        return False
    return bool(ta.schema.equals(tb.schema, check_metadata=False) and ta.equals(tb))


def _same_descriptor(current: bytes, fresh: dict[str, Any]) -> bool:
    """Equal but for the hashes, sizes and writer version that bytes alone decide."""
    try:
        old = json.loads(current)
    except (ValueError, RecursionError):
        return False
    if not isinstance(old, dict):
        return False

    def strip(d: dict[str, Any]) -> dict[str, Any]:
        d = json.loads(json.dumps(d))
        if isinstance(d.get("chrono"), dict):
            d["chrono"].pop("writer", None)
        for r in d.get("resources", []):
            r.pop("hash", None)
            r.pop("bytes", None)
            r.pop("path", None)  # content-addressed: it follows the bytes
        return d

    return strip(old) == strip(fresh)
