"""SQLite (stdlib ``sqlite3``): the six tables with their keys, useful views, the metadata.

Ready for Datasette or sqlite-utils. Types: text and vocabulary columns ``TEXT``, dates
``TEXT`` in ISO 8601 (``2019-06-05``, ``-0043-03-15``; an open or unknown end's bound is
NULL, the EDTF column says which), booleans ``INTEGER`` 0/1, coordinates ``REAL``.
Primary keys and foreign keys come from the model (foreign keys deferred, so the
self-reference ``events.parent_id`` loads in any order). Values are bound as parameters,
never pasted into SQL.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from chrono.model.tables import TABLE_NAMES, TABLES, Table
from chrono.safeio import OutputError, output_file
from chrono.views.data import null_open_bounds
from chrono.views.export import stream
from chrono.views.export.common import (
    ExportError,
    ExportResult,
    dates_as_text,
    metadata,
    open_dataset,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from chrono.dataset import Dataset

_TYPES = {"string": "TEXT", "vocab": "TEXT", "date": "TEXT", "bool": "INTEGER", "float": "REAL"}

VIEWS = {
    "event_claims": """
        SELECT e.id AS event_id, e.title AS event_title, e.type AS event_type,
               e.date AS event_date, c.id AS claim_id, c.property, c.value,
               c.calendar AS value_calendar, c.locator, c.quote, c.stance, c.mode,
               c.certainty, c.note, s.id AS source_id,
               s.title AS source_title, s.publisher AS source_publisher,
               s.published AS source_published, s.url AS source_url
        FROM claims c JOIN events e ON e.id = c.event_id JOIN sources s ON s.id = c.source_id""",
    "event_participants": """
        SELECT e.id AS event_id, e.title AS event_title, e.date AS event_date,
               a.id AS actor_id, a.name AS actor_name, a.kind AS actor_kind, p.role
        FROM participants p JOIN events e ON e.id = p.event_id
        JOIN actors a ON a.id = p.actor_id""",
    "event_places": """
        SELECT e.id AS event_id, e.title AS event_title, e.date AS event_date,
               pl.id AS place_id, pl.name AS place_name, pl.country, pl.latitude,
               pl.longitude
        FROM events e JOIN places pl ON pl.id = e.place_id""",
    "contradicting_claims": """
        SELECT * FROM event_claims WHERE stance = 'contradicts'""",
    "source_usage": """
        SELECT s.id AS source_id, s.title, s.publisher, s.published, s.url,
               count(c.id) AS claims, count(DISTINCT c.event_id) AS events
        FROM sources s LEFT JOIN claims c ON c.source_id = s.id GROUP BY s.id""",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(spec: Table) -> str:
    """``CREATE TABLE`` for a model table: types, NOT NULL, primary and foreign keys."""
    lines = []
    for c in spec.columns:
        # a derived bound is NULL for an open or unknown end
        null = c.nullable or c.kind == "date"
        lines.append(f"{_quote(c.name)} {_TYPES[c.kind]}" + ("" if null else " NOT NULL"))
    lines.append(f"PRIMARY KEY ({', '.join(map(_quote, spec.primary_key))})")
    for fk in spec.foreign_keys:
        lines.append(
            f"FOREIGN KEY ({', '.join(map(_quote, fk.columns))}) REFERENCES "
            f"{_quote(fk.table)} ({', '.join(map(_quote, fk.reference))}) "
            "DEFERRABLE INITIALLY DEFERRED"
        )
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {_quote(spec.name)} (\n  {body}\n)"


def _fill(con: sqlite3.Connection, ds: Dataset, tables: dict[str, pa.Table]) -> dict[str, int]:
    """Create and fill the database, a batch of rows at a time; the rows of each table."""
    rows = {}
    con.execute("PRAGMA foreign_keys = ON")
    with con:
        con.execute("CREATE TABLE dataset_info (key TEXT PRIMARY KEY, value TEXT)")
        con.executemany("INSERT INTO dataset_info VALUES (?, ?)", list(metadata(ds).items()))
        for name in TABLE_NAMES:
            spec = TABLES[name]
            con.execute(create_table_sql(spec))
            table = dates_as_text(null_open_bounds(tables[name]))
            table = table.select([c.name for c in spec.columns])
            marks = ", ".join("?" * len(spec.columns))
            for part in stream.slices(table):
                con.executemany(
                    f"INSERT INTO {_quote(name)} VALUES ({marks})",
                    zip(*(column.to_pylist() for column in part.columns), strict=True),
                )
            rows[name] = table.num_rows
        for view, sql in VIEWS.items():
            con.execute(f"CREATE VIEW {_quote(view)} AS {sql.strip()}")
    return rows


def to_sqlite(
    dataset: str | Path | Dataset, path: str | Path, *, force: bool = False
) -> ExportResult:
    """One SQLite file: tables with keys, the views of :data:`VIEWS`, and ``dataset_info``.

    The rows are inserted a batch at a time into a database file in a private temporary
    folder (:func:`tempfile.mkdtemp`; sqlite opens a database, and its journal, by name,
    so it never opens the output), which is then copied into the checked, exclusive output
    file: memory holds one batch of rows and sqlite's page cache, not the database."""
    ds, tables = open_dataset(dataset)
    result = ExportResult("sqlite", Path(path))
    try:
        work = tempfile.mkdtemp(prefix="chrono-sqlite-")
    except OSError as exc:
        raise OutputError(f"no temporary folder to build the database in: {exc}") from None
    try:
        built = Path(work) / "export.sqlite"
        try:
            con = sqlite3.connect(built)
        except sqlite3.OperationalError as exc:
            raise _cannot_build(work, exc) from None
        try:
            con.execute("PRAGMA journal_mode = OFF")  # a failed export is thrown away whole
            con.execute("PRAGMA synchronous = OFF")  # the output file is synced instead
            result.rows.update(_fill(con, ds, tables))
        except sqlite3.IntegrityError as exc:
            raise ExportError(f"the data breaks a key: {exc}") from None
        except sqlite3.OperationalError as exc:  # the temporary folder full, say
            raise _cannot_build(work, exc) from None
        finally:
            con.close()
        with output_file(path, force=force) as out, open(built, "rb") as image:
            out.write(_as_image(image.read(100)))
            shutil.copyfileobj(image, out, 1 << 20)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def _cannot_build(work: str, exc: Exception) -> OutputError:
    return OutputError(
        f"cannot build the database in the temporary folder {work} (TMPDIR names another): {exc}"
    )


def _as_image(header: bytes) -> bytes:
    """A database file's 100-byte header as sqlite writes it for the image of a database
    in memory: no change counter and no writer's version (bytes 24-27 and 92-99), so the
    file does not depend on the sqlite that wrote it, nor on how."""
    if len(header) < 100:
        return header
    return header[:24] + bytes(4) + header[28:92] + bytes(8)
