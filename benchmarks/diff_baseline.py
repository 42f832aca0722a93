"""A hand-written DuckDB diff of two whole datasets: the baseline of ``bench_diff.py --dataset``.

What a competent user would write to learn what ``chrono diff OLD NEW`` reports, without
chrono: per table one full outer join on the primary key that keeps the rows that differ
(``IS DISTINCT FROM`` per column); events removed and added with equal content paired as
renames (each content unique on both sides); claims and participants of a renamed event
matched through the rename (the claim id's ``event_id/`` prefix follows it) and counted as
renamed, or changed when anything else differs; and the provenance groups: per event, its
added, removed and changed claims and the changed sources its claims cite (old or new).
Returns the counts per table and the provenance groups, as Python values. Imports DuckDB only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

KEYS = {
    "places": ("id",),
    "actors": ("id",),
    "sources": ("id",),
    "events": ("id",),
    "participants": ("event_id", "actor_id", "role"),
    "claims": ("id",),
}


def _files(directory: str) -> dict[str, str]:
    desc = json.loads((Path(directory) / "datapackage.json").read_text())
    return {r["name"]: str(Path(directory) / r["path"]) for r in desc["resources"]}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def diff(old: str, new: str) -> dict[str, Any]:
    import duckdb

    a_files, b_files = _files(old), _files(new)
    counts: dict[str, dict[str, int]] = {}
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        columns: dict[str, list[str]] = {}
        for name, keys in KEYS.items():
            a, b = a_files[name], b_files[name]
            cols = [
                r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{a}')").fetchall()
            ]
            columns[name] = cols
            other = [c for c in cols if c not in keys]
            out = ", ".join([f"a.{_q(c)} AS {_q('a_' + c)}" for c in cols]
                            + [f"b.{_q(c)} AS {_q('b_' + c)}" for c in cols])  # fmt: skip
            on = " AND ".join(f"a.{_q(k)} = b.{_q(k)}" for k in keys)
            differs = " OR ".join(f"a.{_q(c)} IS DISTINCT FROM b.{_q(c)}" for c in other)
            differs = differs or "false"
            k0 = _q(keys[0])
            con.execute(f"""
                CREATE TEMP TABLE d_{name} AS
                SELECT {out}, a.{k0} IS NULL AS is_added, b.{k0} IS NULL AS is_removed
                FROM read_parquet('{a}') a FULL OUTER JOIN read_parquet('{b}') b ON {on}
                WHERE a.{k0} IS NULL OR b.{k0} IS NULL OR {differs}
            """)  # fmt: skip
        # event renames: removed and added events with equal content, unique on both sides
        ev_other = [c for c in columns["events"] if c != "id"]
        same = " AND ".join(f"r.{_q('a_' + c)} IS NOT DISTINCT FROM n.{_q('b_' + c)}"
                            for c in ev_other)  # fmt: skip
        con.execute(f"""
            CREATE TEMP TABLE renames AS
            SELECT r.a_id AS old_id, n.b_id AS new_id
            FROM (SELECT * FROM d_events WHERE is_removed) r
            JOIN (SELECT * FROM d_events WHERE is_added) n ON {same}
            QUALIFY count(*) OVER (PARTITION BY r.a_id) = 1
                AND count(*) OVER (PARTITION BY n.b_id) = 1
        """)  # fmt: skip
        n_renamed_events = con.execute("SELECT count(*) FROM renames").fetchone()[0]  # type: ignore[index]
        # claims and participants of renamed events, matched through the rename
        for name, new_key in (
            ("claims", "m.new_id || substr(r.a_id, length(m.old_id) + 1) = n.b_id"),
            (
                "participants",
                "m.new_id = n.b_event_id AND r.a_actor_id = n.b_actor_id AND r.a_role = n.b_role",
            ),
        ):
            rest = [c for c in columns[name] if c not in KEYS[name] and c != "event_id"]
            differs = " OR ".join(f"r.{_q('a_' + c)} IS DISTINCT FROM n.{_q('b_' + c)}"
                                  for c in rest) or "false"  # fmt: skip
            key_new = "n.b_id" if name == "claims" else "n.b_event_id, n.b_actor_id, n.b_role"
            key_old = "r.a_id" if name == "claims" else "r.a_event_id, r.a_actor_id, r.a_role"
            con.execute(f"""
                CREATE TEMP TABLE t_{name} AS
                SELECT {key_old}, {key_new}, ({differs}) AS differs,
                       m.new_id AS event_id
                FROM (SELECT * FROM d_{name} WHERE is_removed) r
                JOIN renames m ON r.a_event_id = m.old_id
                JOIN (SELECT * FROM d_{name} WHERE is_added) n ON {new_key}
            """)  # fmt: skip
        for name in KEYS:
            through = name in ("claims", "participants")
            row = con.execute(f"""
                SELECT count(*) FILTER (WHERE is_added), count(*) FILTER (WHERE is_removed),
                       count(*) FILTER (WHERE NOT is_added AND NOT is_removed)
                FROM d_{name}
            """).fetchone()  # fmt: skip
            assert row is not None
            added, removed, changed = row
            renamed = 0
            if through:
                moved, moved_changed = con.execute(
                    f"SELECT count(*), count(*) FILTER (WHERE differs) FROM t_{name}"
                ).fetchone()  # type: ignore[misc]
                added, removed = added - moved, removed - moved
                changed, renamed = changed + moved_changed, moved - moved_changed
            if name == "events":
                added, removed, renamed = (
                    added - n_renamed_events,
                    removed - n_renamed_events,
                    n_renamed_events,
                )
            counts[name] = {
                "added": added,
                "removed": removed,
                "changed": changed,
                "renamed": renamed,
            }
        provenance = _provenance(con, a_files["claims"], b_files["claims"])
    return {"counts": counts, "provenance": provenance}


def _provenance(con: Any, old_claims: str, new_claims: str) -> list[dict[str, Any]]:
    """Per event: its claims added, removed, changed (through renames too), changed sources."""
    changes = dict(
        con.execute("""
            SELECT coalesce(b_id, a_id),
                   CASE WHEN is_added THEN 'added' WHEN is_removed THEN 'removed'
                        ELSE 'changed' END
            FROM d_events
            WHERE coalesce(b_id, a_id) NOT IN (SELECT old_id FROM renames)
              AND coalesce(b_id, a_id) NOT IN (SELECT new_id FROM renames)
            UNION ALL SELECT new_id, 'renamed' FROM renames
        """).fetchall()
    )  # fmt: skip
    claims = con.execute("""
        WITH moved_old AS (SELECT a_id FROM t_claims),
             moved_new AS (SELECT b_id, differs FROM t_claims),
             c AS (
                SELECT b_event_id AS event_id, 'added' AS kind, b_id AS id FROM d_claims
                WHERE is_added AND b_id NOT IN (SELECT b_id FROM moved_new)
                UNION ALL
                SELECT a_event_id, 'removed', a_id FROM d_claims
                WHERE is_removed AND a_id NOT IN (SELECT a_id FROM moved_old)
                UNION ALL
                SELECT b_event_id, 'changed', b_id FROM d_claims
                WHERE NOT is_added AND NOT is_removed
                UNION ALL
                SELECT event_id, 'changed', b_id FROM t_claims WHERE differs)
        SELECT event_id, kind, list(id ORDER BY id) FROM c GROUP BY ALL
    """).fetchall()  # fmt: skip
    sources = con.execute(f"""
        WITH touched AS (SELECT coalesce(b_id, a_id) AS id FROM d_sources)
        SELECT event_id, list(DISTINCT source_id ORDER BY source_id)
        FROM (SELECT event_id, source_id FROM read_parquet('{old_claims}')
              UNION ALL SELECT event_id, source_id FROM read_parquet('{new_claims}'))
        WHERE source_id IN (SELECT id FROM touched)
        GROUP BY event_id
    """).fetchall()  # fmt: skip
    groups: dict[str, dict[str, Any]] = {}

    def group(event_id: str) -> dict[str, Any]:
        if event_id not in groups:
            groups[event_id] = {
                "event_id": event_id,
                "event_change": changes.get(event_id),
                "provenance_only": event_id not in changes,
                "claims": {},
                "sources": [],
            }
        return groups[event_id]

    for event_id, kind, ids in claims:
        group(event_id)["claims"][kind] = ids
    for event_id, ids in sources:
        group(event_id)["sources"] = ids
    return [groups[k] for k in sorted(groups)]
