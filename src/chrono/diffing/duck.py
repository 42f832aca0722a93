"""The DuckDB engine: one parallel full outer join per table, returning only differing rows.

The join computes, in one pass and one aggregate, the number of rows each side contributes
(a duplicate key shows up as a surplus), the removed and added rows, and for each changed
pair both rows and a bit mask of the columns that differ. Only those rows come back to
Python, as Arrow; everything after (renames, date classes, reports) is shared with the
Arrow engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from chrono.diffing.core import (
    DiffError,
    Matched,
    Pairs,
    check_unique,
    common_type,
    conform_pair,
    key_codes,
    to_np,
)

TableSource: TypeAlias = "pa.Table | Path"


def available() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def schema_of(src: TableSource) -> pa.Schema:
    if isinstance(src, pa.Table):
        return src.schema
    return pq.read_schema(src)


def rows_of(src: TableSource) -> int:
    if isinstance(src, pa.Table):
        return int(src.num_rows)
    return int(pq.ParquetFile(src).metadata.num_rows)


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
    """A FROM item for the table: Parquet scanned by DuckDB, or Arrow registered zero-copy."""
    if isinstance(src, pa.Table):
        con.register(name, src)
        return name
    return "read_parquet('" + str(src).replace("'", "''") + "')"


def _flat(struct_list: pa.ChunkedArray) -> pa.Array:
    """The items of the one list in an aggregate's result column (null: no items)."""
    arr = struct_list.combine_chunks()
    if len(arr) and arr.null_count == 0:
        return arr.flatten()
    return arr.flatten().slice(0, 0)


def _rows(structs: pa.Array, schema: pa.Schema) -> pa.Table:
    table = pa.Table.from_struct_array(structs)
    # back to the input's types (DuckDB returns dictionaries as plain strings)
    cols, fields = [], []
    for field in schema:
        col = table.column(field.name)
        if not col.type.equals(field.type):
            try:
                col = col.cast(field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                field = field.with_type(col.type)
        cols.append(col)
        fields.append(field.with_nullable(True))
    return pa.Table.from_arrays(cols, schema=pa.schema(fields, metadata=schema.metadata))


def match_duckdb(
    name: str, old: TableSource, new: TableSource, keys: tuple[str, ...], ignore: set[str]
) -> Matched:
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
    bits = (
        " | ".join(
            f"(CAST({_expr('a', c, *types[c], mem)} IS DISTINCT FROM "
            f"{_expr('b', c, *types[c], mem)} AS BIGINT) << {i})"
            for i, c in enumerate(common)
        )
        or "CAST(0 AS BIGINT)"
    )
    on = " AND ".join(
        f"{_expr('a', k, *types[k], mem)} = {_expr('b', k, *types[k], mem)}" for k in keys
    )
    # rows with a null key would match nothing: counted below and reported as an error
    first = _quote(keys[0])
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        src_a, src_b = _source(con, "old_table", old), _source(con, "new_table", new)
        query = f"""
            WITH j AS (
                SELECT a AS ra, b AS rb, a.{first} AS pa, b.{first} AS pb, {bits} AS m
                FROM {src_a} a FULL OUTER JOIN {src_b} b ON {on}
            )
            SELECT count(pa) AS n_old, count(pb) AS n_new,
                list(ra) FILTER (WHERE pb IS NULL) AS removed,
                list(rb) FILTER (WHERE pa IS NULL) AS added,
                list(struct_pack(ra, rb, m))
                    FILTER (WHERE pa IS NOT NULL AND pb IS NOT NULL AND m <> 0) AS changed
            FROM j
        """
        rel = con.sql(query)
        # DuckDB 2 names it to_arrow_table; 1.x has arrow()
        result = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
        n_old, n_new = rows_of(old), rows_of(new)
        got_old, got_new = result.column("n_old")[0].as_py(), result.column("n_new")[0].as_py()
        if (got_old, got_new) != (n_old, n_new):  # a repeated key matched, or a null key
            _duplicate(con, src_a, keys, "old", name)
            _duplicate(con, src_b, keys, "new", name)
            nulls = " OR ".join(f"{_quote(k)} IS NULL" for k in keys)
            side = (
                "old"
                if con.sql(f"SELECT count(*) FROM {src_a} WHERE {nulls}").fetchall()[0][0]
                else "new"
            )
            raise DiffError(
                f"{side}: {name}: a primary key column ({', '.join(keys)}) holds a null"
            )
    except duckdb.Error as exc:
        raise DiffError(f"{name}: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()

    removed = _rows(_flat(result.column("removed")), s_old)
    added = _rows(_flat(result.column("added")), s_new)
    pairs = _flat(result.column("changed"))
    ch_old = _rows(pairs.field("ra"), s_old)
    ch_new = _rows(pairs.field("rb"), s_new)
    bitmask = to_np(pairs.field("m"))
    raw_old = pa.concat_tables([removed, ch_old])
    raw_new = pa.concat_tables([added, ch_new])
    for side, table in (("old", removed), ("new", added)):
        codes, _, size = key_codes(table, table.slice(0, 0), keys)
        check_unique(table, codes, size, keys, side, name)
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


def _duplicate(con: Any, source: str, keys: tuple[str, ...], side: str, name: str) -> None:
    cols = ", ".join(_quote(k) for k in keys)
    query = f"SELECT {cols}, count(*) AS n FROM {source} GROUP BY ALL HAVING n > 1"
    rows = con.sql(f"{query} ORDER BY {cols} LIMIT 1").fetchall()
    if not rows:
        return
    key = ", ".join(f"{k}={v!r}" for k, v in zip(keys, rows[0], strict=False))
    raise DiffError(f"{side}: {name}: duplicate primary key ({key}); rows cannot be paired")
