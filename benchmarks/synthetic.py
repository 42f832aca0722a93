"""Synthetic datasets that follow chrono's data model, for benchmarks and tests.

    python benchmarks/synthetic.py OUT_DIR --events 1000000 [--seed 7] [--chunk 1000000]

Per event: one supporting occurrence claim and one supporting date claim (the event's own
date, so the event lies inside it), a type claim for every third event, and two participants
(a host and a guest). Sources (events / 100, at least 10), actors (5,000 at most) and places
(1,000 at most) are shared. Every row is valid: ``chrono validate`` finds no error (a
handful of CHR701 duplicate warnings are expected at millions of events: two random events
with the same type, host, guest and overlapping days).

Generation is vectorised (numpy and Arrow compute) and streamed: each table is written in
chunks of ``chunk`` events with ``pyarrow.parquet.ParquetWriter``, so 10M events never sit
in memory at once; the descriptor's sha256, sizes and row counts are computed afterwards.

``--revision 1`` writes the next version of the same dataset (same seed, same draws), for
``chrono diff``: events renamed (every 500th: ``-r`` appended to the id, content and claims
unchanged, so the claims and participants follow the rename), summaries changed (every
1,000th), events removed with their claims and participants (every 2,000th), events added
(N / 2,000, after the last), notes added to the claims of every 400th event, and the title
of every 500th source changed (the events citing it get a provenance group).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from chrono.build import DATA_DIR, FORMAT_VERSION, WRITE_OPTIONS, conform, descriptor_bytes
from chrono.model.dates import days_from_civil
from chrono.model.schema import arrow_schema, frictionless_schema
from chrono.model.tables import TABLES
from chrono.model.vocab import EVENT_TYPE
from chrono.package import DESCRIPTOR

FIRST_YEAR, LAST_YEAR = 1950, 2024
_YEAR_START = np.array([days_from_civil(y, 1, 1) for y in range(FIRST_YEAR, LAST_YEAR + 2)])


def _ids(prefix: str, start: int, n: int, width: int) -> pa.Array:
    nums = pc.cast(pa.array(np.arange(start, start + n, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(nums, width, "0"), "")


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _days(arr: np.ndarray) -> pa.Array:
    return pa.array(arr.astype(np.int32)).cast(pa.date32())


def _text(days: pa.Array) -> pa.Array:
    """date32 -> 'YYYY-MM-DD' (years 1000-9999)."""
    return pc.strftime(days.cast(pa.timestamp("s")), format="%Y-%m-%d")


class _Writers:
    def __init__(self, directory: Path, options: dict[str, Any]) -> None:
        (directory / DATA_DIR).mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.options = options
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = dict.fromkeys(TABLES, 0)

    def write(
        self, name: str, columns: dict[str, pa.Array], keep: np.ndarray | None = None
    ) -> None:
        spec = TABLES[name]
        table = conform(spec, pa.table(columns))
        if keep is not None:
            table = table.filter(pa.array(keep))
        w = self.writers.get(name)
        if w is None:
            opts = {k: v for k, v in self.options.items() if k not in ("row_group_size",)}
            path = self.directory / DATA_DIR / f"{name}.parquet"
            w = self.writers[name] = pq.ParquetWriter(path, arrow_schema(spec), **opts)
        w.write_table(table, row_group_size=self.options.get("row_group_size", 1 << 20))
        self.rows[name] += table.num_rows

    def close(self) -> None:
        for w in self.writers.values():
            w.close()


def generate(
    directory: Path,
    n_events: int,
    *,
    seed: int = 7,
    chunk: int = 1_000_000,
    options: dict[str, Any] | None = None,
    revision: int = 0,
) -> Path:
    """Write a valid synthetic dataset of ``n_events`` events to ``directory``.

    ``revision=1``: the next version of the same dataset (module docstring).
    """
    directory = Path(directory)
    rng = np.random.default_rng(seed)
    out = _Writers(directory, {**WRITE_OPTIONS, "compression_level": 3, **(options or {})})
    n_sources = max(10, n_events // 100)
    n_actors = max(2, min(5000, n_events))
    n_places = max(1, min(1000, n_events))
    # sources: published during 2025, retrieved in 2026
    pub = days_from_civil(2025, 1, 1) + rng.integers(0, 365, n_sources)
    pub_days = _days(pub)
    ret_days = _days(np.full(n_sources, days_from_civil(2026, 1, 15)))
    kinds = np.array(["news_report", "official_statement", "document_text"])
    out.write(
        "sources",
        {
            "id": _ids("s", 0, n_sources, 7),
            "kind": pa.array(kinds[rng.integers(0, 3, n_sources)]),
            "title": _revised_titles(n_sources, revision),
            "publisher": pa.array(np.full(n_sources, "Synthetic Press")),
            "published": _text(pub_days),
            "published_earliest": pub_days,
            "published_latest": pub_days,
            "url": pa.nulls(n_sources, pa.string()),
            "retrieved": _text(ret_days),
            "retrieved_earliest": ret_days,
            "retrieved_latest": ret_days,
            "language": pa.array(np.full(n_sources, "en")),
            "notes": pa.nulls(n_sources, pa.string()),
            "text": pa.nulls(n_sources, pa.string()),
        },
    )
    out.write(
        "actors",
        {
            "id": _ids("a", 0, n_actors, 5),
            "name": _ids("Actor ", 0, n_actors, 5),
            "kind": pa.array(np.full(n_actors, "person")),
            "country": pa.nulls(n_actors, pa.string()),
            "notes": pa.nulls(n_actors, pa.string()),
        },
    )
    out.write(
        "places",
        {
            "id": _ids("p", 0, n_places, 4),
            "name": _ids("Place ", 0, n_places, 4),
            "country": pa.array(np.full(n_places, "ZZ")),
            "latitude": pa.array(rng.uniform(-90, 90, n_places)),
            "longitude": pa.array(rng.uniform(-180, 180, n_places)),
        },
    )
    types = np.array(list(EVENT_TYPE))
    for start in range(0, n_events, chunk):
        n = min(chunk, n_events - start)
        _event_chunk(out, rng, start, n, n_sources, n_actors, n_places, types, revision)
    if revision and n_events >= 2000:  # added events, after the last (ids sort after it)
        _event_chunk(out, rng, n_events, n_events // 2000, n_sources, n_actors, n_places, types)
    out.close()
    _descriptor(directory, out.rows)
    return directory


def _revised_titles(n: int, revision: int) -> pa.Array:
    if not revision:
        return pa.nulls(n, pa.string())
    return pc.if_else(pa.array(np.arange(n) % 500 == 0), "Revised title", pa.nulls(n, pa.string()))


def _event_chunk(
    out: _Writers,
    rng: np.random.Generator,
    start: int,
    n: int,
    n_sources: int,
    n_actors: int,
    n_places: int,
    types: np.ndarray,
    revision: int = 0,
) -> None:
    number = np.arange(start, start + n)
    eid = _ids("e", start, n, 9)
    title = _join("Synthetic event ", eid)
    summary = pa.array(np.full(n, "A synthetic event."))
    keep = None
    if revision:
        eid = pc.if_else(pa.array(number % 500 == 1), _join(eid, "-r"), eid)
        summary = pc.if_else(pa.array(number % 1000 == 2), "A revised synthetic event.", summary)
        keep = number % 2000 != 3
    year = rng.integers(FIRST_YEAR, LAST_YEAR + 1, n)
    lo = _YEAR_START[year - FIRST_YEAR] + rng.integers(0, 360, n)
    length = np.where(rng.random(n) < 0.2, rng.integers(1, 3, n), 0)
    hi = lo + length
    lo_d, hi_d = _days(lo), _days(hi)
    lo_t = _text(lo_d)
    date = pc.if_else(pa.array(length > 0), _join(lo_t, "/", _text(hi_d)), lo_t)
    false = pa.array(np.zeros(n, dtype=bool))
    typ = pa.array(types[rng.integers(0, len(types), n)])
    out.write(
        "events",
        {
            "id": eid,
            "title": title,
            "summary": summary,
            "type": typ,
            "status": pa.array(np.full(n, "confirmed")),
            "date": date,
            "earliest": lo_d,
            "latest": hi_d,
            "precision": pa.array(np.full(n, "day")),
            "uncertain": false,
            "approximate": false,
            "place_id": pc.take(_ids("p", 0, n_places, 4), pa.array(rng.integers(0, n_places, n))),
            "parent_id": pa.nulls(n, pa.string()),
        },
        keep,
    )
    # participants: host < guest by id, rows sorted by (event, actor)
    a = rng.integers(0, n_actors, n)
    b = (a + rng.integers(1, n_actors, n)) % n_actors
    first, second = np.minimum(a, b), np.maximum(a, b)
    first_is_host = a < b
    actors = _ids("a", 0, n_actors, 5)
    pe = pc.take(eid, pa.array(np.repeat(np.arange(n), 2)))
    pa_idx = np.empty(2 * n, dtype=np.int64)
    pa_idx[0::2], pa_idx[1::2] = first, second
    roles = np.empty(2 * n, dtype=object)
    roles[0::2] = np.where(first_is_host, "host", "guest")
    roles[1::2] = np.where(first_is_host, "guest", "host")
    out.write(
        "participants",
        {"event_id": pe, "actor_id": pc.take(actors, pa.array(pa_idx)), "role": pa.array(roles)},
        None if keep is None else np.repeat(keep, 2),
    )
    # claims: date, occurrence (and type for every third event), sorted by id
    src = _ids("s", 0, n_sources, 7)
    with_type = (np.arange(start, start + n) % 3) == 0
    ev = np.concatenate([np.arange(n), np.arange(n), np.flatnonzero(with_type)])
    prop_order = np.concatenate([np.zeros(n), np.ones(n), np.full(with_type.sum(), 2)])
    order = np.lexsort((prop_order, ev))
    ev, prop_order = ev[order], prop_order[order].astype(np.int64)
    m = len(ev)
    props = np.array(["date", "occurrence", "type"])[prop_order]
    sid = pc.take(src, pa.array(rng.integers(0, n_sources, m)))
    ev_arr = pa.array(ev)
    c_eid = pc.take(eid, ev_arr)
    is_date = pa.array(prop_order == 0)
    value = pc.if_else(
        is_date,
        pc.take(date, ev_arr),
        pc.if_else(pa.array(prop_order == 2), pc.take(typ, ev_arr), None),
    )
    none_day = pa.nulls(m, pa.date32())
    note = pa.nulls(m, pa.string())
    if revision:
        note = pc.if_else(pa.array(number[ev] % 400 == 7), "Revised reading.", note)
    out.write(
        "claims",
        {
            "id": _join(c_eid, "/", pa.array(props), "/", sid, "/paragraph-1"),
            "event_id": c_eid,
            "source_id": sid,
            "property": pa.array(props),
            "value": value,
            "calendar": pc.if_else(is_date, "gregorian", pa.nulls(m, pa.string())),
            "earliest": pc.if_else(is_date, _days(lo[ev]), none_day),
            "latest": pc.if_else(is_date, _days(hi[ev]), none_day),
            "precision": pc.if_else(is_date, "day", pa.nulls(m, pa.string())),
            "locator": pa.array(np.full(m, "paragraph 1")),
            "quote": pa.nulls(m, pa.string()),
            "stance": pa.array(np.full(m, "supports")),
            "mode": pa.array(np.full(m, "reported")),
            "certainty": pa.array(np.full(m, "certain")),
            "note": note,
        },
        None if keep is None else keep[ev],
    )


def _descriptor(directory: Path, rows: dict[str, int]) -> None:
    resources = []
    for name, spec in TABLES.items():
        rel = f"{DATA_DIR}/{name}.parquet"
        h = hashlib.sha256()
        with open(directory / rel, "rb") as fh:
            while block := fh.read(16 << 20):
                h.update(block)
        resources.append(
            {
                "name": name,
                "path": rel,
                "profile": "tabular-data-resource",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "description": spec.description,
                "hash": "sha256:" + h.hexdigest(),
                "bytes": (directory / rel).stat().st_size,
                "rows": rows[name],
                "schema": frictionless_schema(spec),
            }
        )
    descriptor = {
        "profile": "tabular-data-package",
        "name": "synthetic",
        "title": "Synthetic chronology",
        "version": "0.0.0",
        "keywords": ["synthetic"],
        "licenses": [{"name": "CC0-1.0"}],
        "resources": resources,
        "chrono": {"format_version": FORMAT_VERSION, "writer": f"pyarrow {pa.__version__}"},
    }
    (directory / DESCRIPTOR).write_bytes(descriptor_bytes(descriptor))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", type=Path)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--chunk", type=int, default=1_000_000)
    ap.add_argument("--revision", type=int, default=0, choices=(0, 1))
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    generate(args.directory, args.events, seed=args.seed, chunk=args.chunk, revision=args.revision)
    print(f"{args.events} events in {time.perf_counter() - t0:.1f} s -> {args.directory}")
    desc = json.loads((args.directory / DESCRIPTOR).read_text())
    for r in desc["resources"]:
        print(f"  {r['name']:<13} {r['rows']:>11} rows {r['bytes']:>13} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
