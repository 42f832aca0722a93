"""The DuckDB engine: one parallel full outer join per table, returning only differing rows.

The join compares every pair of rows with the same key (``IS DISTINCT FROM`` per column) and
returns only removed, added and changed rows, each changed pair with a bit mask of the
columns that differ; rows equal on both sides never leave DuckDB. Duplicate keys are caught
by counting (see ``match_duckdb``). Everything after (renames, date classes, reports) is
shared with the Arrow engine.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.diffing.arrays import common_type, from_np, to_np
from chrono.diffing.core import DiffError, Matched, Pairs, conform_pair, key_codes
from chrono.diffing.inputs import TableSource, shown_paths

#: Environment variables for DuckDB's memory cap and spill folder (``chrono diff
#: --memory-limit``, ``--temp-dir`` take precedence).
MEMORY_LIMIT_ENV = "CHRONO_DIFF_MEMORY_LIMIT"
TEMP_DIR_ENV = "CHRONO_DIFF_TEMP_DIR"


@dataclass(frozen=True)
class Spill:
    """How much memory DuckDB may use for a join, and where it writes what does not fit.

    ``memory_limit`` in bytes (None: half the machine's memory, :func:`default_memory_limit`);
    ``temp_dir`` a folder under which each join gets a private subfolder, removed after it
    (None: the system's temporary folder). DuckDB's own defaults are 80% of the memory and
    ``.tmp`` in the current folder: too much on a shared runner, and a folder dropped into
    whatever repository chrono runs in.
    """

    memory_limit: int | None = None
    temp_dir: Path | None = None

    @classmethod
    def from_env(cls, memory_limit: int | None = None, temp_dir: str | Path | None = None) -> Spill:
        """The given settings, else ``CHRONO_DIFF_MEMORY_LIMIT`` and ``CHRONO_DIFF_TEMP_DIR``
        (ValueError for a size that does not parse)."""
        from chrono.safeio import parse_size

        if memory_limit is None and os.environ.get(MEMORY_LIMIT_ENV, "").strip():
            try:
                memory_limit = parse_size(os.environ[MEMORY_LIMIT_ENV])
            except ValueError as exc:
                raise ValueError(f"{MEMORY_LIMIT_ENV}: {exc}") from None
        if temp_dir is None and os.environ.get(TEMP_DIR_ENV, "").strip():
            temp_dir = os.environ[TEMP_DIR_ENV]
        return cls(memory_limit, Path(temp_dir) if temp_dir is not None else None)


def default_memory_limit() -> int:
    """Half the memory of the machine (or of the container's cgroup, when lower), at least
    1 GiB: the join shares the machine with the rest of the diff and other work."""
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    try:
        raw = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if raw.isdigit():
            total = min(total, int(raw))
    except OSError:
        pass
    return max(total // 2, 1 << 30)


@contextmanager
def connect(spill: Spill | None = None) -> Iterator[Any]:
    """A DuckDB connection capped at ``spill.memory_limit``, spilling into a private folder
    that is removed with the connection."""
    import duckdb

    spill = spill or Spill.from_env()
    limit = _limit(spill)
    parent = spill.temp_dir
    try:
        if parent is not None:
            parent.mkdir(parents=True, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix="chrono-diff-", dir=parent)
    except OSError as exc:
        from chrono.safeio import reason

        where = parent or tempfile.gettempdir()
        raise DiffError(f"{where}: cannot spill there: {reason(exc)}") from None
    try:
        con = duckdb.connect(
            config={"memory_limit": f"{max(limit, 1 << 20)}B", "temp_directory": tmp}
        )
        try:
            yield con
        finally:
            con.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def available() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def schema_of(src: TableSource) -> pa.Schema:
    return src.schema if isinstance(src, pa.Table) else src.schema()


def rows_of(src: TableSource) -> int:
    return int(src.num_rows) if isinstance(src, pa.Table) else src.rows()


def _sql_type(typ: pa.DataType) -> str:
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    if pa.types.is_integer(typ):
        return "BIGINT"
    if pa.types.is_floating(typ):
        return "DOUBLE"
    if pa.types.is_boolean(typ):
        return "BOOLEAN"
    if pa.types.is_date(typ):
        return "DATE"
    return "VARCHAR"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _expr(side: str, col: str, a: pa.DataType, b: pa.DataType, in_memory: bool) -> str:
    ref = f"{side}.{_quote(col)}"
    # DuckDB reads a Parquet dictionary column as plain text; an Arrow one becomes an ENUM
    if a.equals(b) and not (in_memory and pa.types.is_dictionary(a)):
        return ref
    return f"CAST({ref} AS {_sql_type(common_type(a, b))})"


def _source(con: Any, name: str, src: TableSource) -> str:
    """A FROM item for the table: Arrow registered zero-copy, or the Parquet file chrono
    holds open, scanned by DuckDB through its descriptor's path (never reopened by name)."""
    if isinstance(src, pa.Table):
        con.register(name, src)
        return name
    return "read_parquet('" + src.source.replace("'", "''") + "')"


def _typed(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table``'s columns named and typed as ``schema`` (DuckDB returns dictionaries as text)."""
    cols, fields = [], []
    for field, col in zip(schema, table.columns, strict=True):
        if not col.type.equals(field.type):
            try:
                col = col.cast(field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                field = field.with_type(col.type)
        cols.append(col)
        fields.append(field.with_nullable(True))
    return pa.Table.from_arrays(cols, schema=pa.schema(fields, metadata=schema.metadata))


def _join_rows(profile: str) -> int | None:
    """The number of rows the full outer join produced, from DuckDB's query profile.

    None when the profile does not show exactly one full join with its row count (another
    DuckDB version, another plan): the caller then checks the keys with a query of its own.
    """
    try:
        tree = json.loads(profile)
    except ValueError:
        return None
    found: list[int] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            info = node.get("extra_info")
            if isinstance(info, dict) and info.get("Join Type") == "FULL":
                rows = node.get("operator_cardinality", node.get("intermediate_rows"))
                found.append(rows if isinstance(rows, int) else -1)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found[0] if len(found) == 1 and found[0] >= 0 else None


def match_duckdb(
    name: str,
    old: TableSource,
    new: TableSource,
    keys: tuple[str, ...],
    ignore: set[str],
    spill: Spill | None = None,
) -> Matched:
    """Pair rows with one DuckDB full outer join that returns only the rows that differ.

    Rows equal on both sides never leave DuckDB, so a duplicated key among them is invisible
    in the result. It is caught by counting: without duplicates the join yields exactly
    ``rows(old) + added`` and ``rows(new) + removed`` rows, and DuckDB's profile of the
    query says how many it yielded. When the counts disagree, or the profile cannot tell,
    ``_duplicate`` looks for the repeated key itself (a GROUP BY per side).

    DuckDB works within ``spill.memory_limit`` and writes what does not fit to a private
    folder (:class:`Spill`, :func:`connect`).
    """
    import duckdb

    s_old, s_new = schema_of(old), schema_of(new)
    for k in keys:
        for side, s in (("old", s_old), ("new", s_new)):
            if k not in s.names:
                raise DiffError(f"the {side} table has no primary key column {k!r}")
    common = [c for c in s_old.names if c in s_new.names and c not in keys and c not in ignore]
    if len(common) > 62:
        raise DiffError(f"{name}: more than 62 columns to compare")
    types = {c: (s_old.field(c).type, s_new.field(c).type) for c in [*keys, *common]}
    mem = isinstance(old, pa.Table) or isinstance(new, pa.Table)

    def differs(c: str) -> str:
        return f"{_expr('a', c, *types[c], mem)} IS DISTINCT FROM {_expr('b', c, *types[c], mem)}"

    bits = (
        " | ".join(f"(CAST({differs(c)} AS BIGINT) << {i})" for i, c in enumerate(common))
        or "CAST(0 AS BIGINT)"
    )
    on = " AND ".join(
        f"{_expr('a', k, *types[k], mem)} = {_expr('b', k, *types[k], mem)}" for k in keys
    )
    wanted = " OR ".join(differs(c) for c in common) or "false"
    outputs = ", ".join(
        [f"a.{_quote(c)} AS a{i}" for i, c in enumerate(s_old.names)]
        + [f"b.{_quote(c)} AS b{i}" for i, c in enumerate(s_new.names)]
    )
    try:
        with connect(spill) as con:
            con.execute("SET enable_progress_bar = false")
            try:
                con.execute("PRAGMA enable_profiling = 'no_output'")
                con.execute("PRAGMA profiling_mode = 'standard'")
            except duckdb.Error:
                pass  # no profile: the keys are then checked by a query of their own
            src_a, src_b = _source(con, "old_table", old), _source(con, "new_table", new)
            parts = partitions(old, new, _limit(spill))
            results: list[pa.Table] = []
            joined: int | None = 0
            for part in range(parts):
                # a row with a null key matches nothing: it comes back unpaired and is reported
                query = f"""
                    SELECT {outputs}, a.__chrono_in AS in_old, b.__chrono_in AS in_new,
                        {bits} AS m
                    FROM ({_side(src_a, "a", keys, types, mem, part, parts)}) a
                    FULL OUTER JOIN ({_side(src_b, "b", keys, types, mem, part, parts)}) b
                        ON {on}
                    WHERE a.__chrono_in IS NULL OR b.__chrono_in IS NULL OR {wanted}
                """
                rel = con.sql(query)
                # DuckDB 2 names it to_arrow_table; 1.x has arrow()
                results.append(
                    rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
                )
                try:
                    rows = _join_rows(con.get_profiling_information(format="json"))
                except (duckdb.Error, AttributeError, TypeError):
                    rows = None
                joined = None if rows is None or joined is None else joined + rows
            result = pa.concat_tables(results) if parts > 1 else results[0]

            in_old = to_np(pc.is_valid(result.column("in_old")), np.bool_)
            in_new = to_np(pc.is_valid(result.column("in_new")), np.bool_)
            width_old, width_new = len(s_old.names), len(s_new.names)  # a0.., then b0..
            a_rows = _typed(result.select(list(range(width_old))), s_old)
            b_rows = _typed(result.select(list(range(width_old, width_old + width_new))), s_new)
            both = in_old & in_new
            removed = a_rows.filter(from_np(in_old & ~in_new))
            added = b_rows.filter(from_np(in_new & ~in_old))
            ch_old, ch_new = a_rows.filter(from_np(both)), b_rows.filter(from_np(both))
            raw_old = pa.concat_tables([removed, ch_old])
            raw_new = pa.concat_tables([added, ch_new])
            expected = (rows_of(old) + len(added), rows_of(new) + len(removed))
            if (
                joined is None
                or (joined, joined) != expected
                or _repeats(raw_old, keys)
                or _repeats(raw_new, keys)
            ):
                _duplicate(con, src_a, keys, "old", name)
                _duplicate(con, src_b, keys, "new", name)
            for side, table in (("old", raw_old), ("new", raw_new)):
                if any(table.column(k).null_count for k in keys):
                    raise DiffError(
                        f"{side}: {name}: a primary key column ({', '.join(keys)}) holds a null"
                    )
    except duckdb.Error as exc:
        raise DiffError(f"{name}: {shown_paths(str(exc).splitlines()[0], old, new)}") from None

    bitmask = to_np(result.column("m").filter(from_np(both)))
    sub_old = raw_old.drop_columns([c for c in raw_old.column_names if c in ignore])
    sub_new = raw_new.drop_columns([c for c in raw_new.column_names if c in ignore])
    sub_old, sub_new, schema = conform_pair(sub_old, sub_new, keys)
    n_changed = len(bitmask)
    masks = {c: (bitmask >> i) & 1 == 1 for i, c in enumerate(common)}
    changed = Pairs(
        np.arange(len(removed), len(removed) + n_changed, dtype=np.int64),
        np.arange(len(added), len(added) + n_changed, dtype=np.int64),
        masks,
    )
    return Matched(
        sub_old,
        sub_new,
        raw_old,
        raw_new,
        schema,
        np.arange(len(added), dtype=np.int64),
        np.arange(len(removed), dtype=np.int64),
        changed,
        common,
    )


def partitions(old: TableSource, new: TableSource, limit: int) -> int:
    """Into how many parts a join is cut (by a hash of the key), so that each part's rows
    fit in DuckDB's memory: a side of a part is at most half the cap, uncompressed.

    DuckDB can spill a join that does not fit, but it then writes both sides to disk,
    about twice their uncompressed size (52 GB for 100M events). Each part instead reads
    both files again and keeps only its rows: more reading, no spill. Tables in memory
    are joined whole.
    """
    if isinstance(old, pa.Table) or isinstance(new, pa.Table):
        return 1
    biggest = max(old.size(), new.size())
    return max(1, -(-2 * biggest // max(limit, 1)))


def _side(
    source: str,
    alias: str,
    keys: tuple[str, ...],
    types: dict[str, tuple[pa.DataType, pa.DataType]],
    in_memory: bool,
    part: int,
    parts: int,
) -> str:
    """One side of the join: its rows in part ``part`` of ``parts`` (the same key, the same
    part on both sides: the key hashed as the join compares it)."""
    rows = f"SELECT *, true AS __chrono_in FROM {source} {alias}"
    if parts == 1:
        return rows
    key = ", ".join(_expr(alias, k, *types[k], in_memory) for k in keys)
    return f"{rows} WHERE hash({key}) % {parts} = {part}"


def _limit(spill: Spill | None) -> int:
    spill = spill or Spill.from_env()
    return spill.memory_limit if spill.memory_limit is not None else default_memory_limit()


def _repeats(table: pa.Table, keys: tuple[str, ...]) -> bool:
    """Whether a key occurs twice among these (differing) rows."""
    if table.num_rows < 2:
        return False
    codes, _, size = key_codes(table, table.slice(0, 0), keys)
    return bool(len(codes)) and int(np.bincount(codes, minlength=size).max()) > 1


def _duplicate(con: Any, source: str, keys: tuple[str, ...], side: str, name: str) -> None:
    cols = ", ".join(_quote(k) for k in keys)
    query = f"SELECT {cols}, count(*) AS n FROM {source} GROUP BY ALL HAVING n > 1"
    rows = con.sql(f"{query} ORDER BY {cols} LIMIT 1").fetchall()
    if not rows:
        return
    key = ", ".join(f"{k}={v!r}" for k, v in zip(keys, rows[0], strict=False))
    raise DiffError(f"{side}: {name}: duplicate primary key ({key}); rows cannot be paired")
