"""A synthetic curated dataset (YAML sources, one file per event) for benchmarking the build.

    python benchmarks/curated.py OUT_DIR --events 50000 [--seed 7]

Writes ``dataset.yaml``, ``sources.yaml`` (events / 20 sources, at least 10),
``actors.yaml`` (200), ``places.yaml`` (100) and ``events/<id>.yaml``, each event written to
disk as soon as it is made (nothing is held in memory). Every event looks like a bundled
one (about 1 KB): a title, a folded two-line summary, a type, a status, a date (a day, a
month, a year or a two-day interval), a place, two or three participants, and three
claims: an occurrence claim with a locator and a quote, a date claim (the event's own
date, so the event lies inside it) and a type claim with a note. ``chrono build`` accepts
the result: every reference resolves, every source is published after the events it
reports.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from chrono.model.vocab import EVENT_TYPE, ROLE

TYPES = list(EVENT_TYPE)
ROLES = [r for r in ROLE if r not in ("host", "guest")]


def _date(rng: random.Random) -> str:
    year = rng.randint(1950, 2024)
    month, day = rng.randint(1, 12), rng.randint(1, 27)
    form = rng.random()
    if form < 0.6:
        return f"{year}-{month:02d}-{day:02d}"
    if form < 0.75:
        return f"{year}-{month:02d}-{day:02d}/{year}-{month:02d}-{day + 1:02d}"
    if form < 0.9:
        return f"{year}-{month:02d}"
    return f"{year}"


def _event(rng: random.Random, i: int, n_sources: int) -> tuple[str, str]:
    eid = f"event-{i:07d}"
    date = _date(rng)
    typ = rng.choice(TYPES)
    source = f"source-{rng.randrange(n_sources):06d}"
    actors = rng.sample(range(200), rng.choice((2, 2, 3)))
    parts = [f"  - {{actor: actor-{actors[0]:03d}, role: host}}"]
    parts += [f"  - {{actor: actor-{a:03d}, role: {rng.choice(ROLES)}}}" for a in actors[1:]]
    para = rng.randint(1, 40)
    text = f"""id: {eid}
title: Synthetic meeting number {i} of the benchmark chronology
summary: >-
  A synthetic event written for the build benchmark; its text is as long as a bundled
  event's summary, on two lines, and says nothing about the world ({i}).
type: {typ}
status: confirmed
date: {date}
place: place-{rng.randrange(100):03d}
parent: null
participants:
{chr(10).join(parts)}
claims:
  - source: {source}
    property: occurrence
    locator: paragraph {para}
    quote: "The delegations met, the synthetic report of event {i} says, as planned"
  - source: {source}
    property: date
    value: {date}
    locator: paragraph {para}
  - source: {source}
    property: type
    value: {typ}
    locator: paragraph {para + 1}
    note: 'The type is the benchmark''s own reading of the report.'
"""
    return eid, text


def write_curated(root: Path, n_events: int, seed: int = 7) -> Path:
    """Write the curated sources of a synthetic dataset of ``n_events`` events to ``root``."""
    root = Path(root)
    (root / "events").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    n_sources = max(10, n_events // 20)
    (root / "dataset.yaml").write_text(
        "name: synthetic-curated\ntitle: Synthetic curated chronology\nversion: 0.0.0\n"
        "license: CC0-1.0\ndescription: Written by benchmarks/curated.py.\n"
        "keywords: [synthetic]\n",
        encoding="utf-8",
    )
    with open(root / "sources.yaml", "w", encoding="utf-8") as fh:
        for s in range(n_sources):
            fh.write(
                f"- id: source-{s:06d}\n  kind: news_report\n  title: Synthetic report {s}\n"
                f"  publisher: Synthetic Press\n  published: 2025-{1 + s % 12:02d}\n"
                f"  url: https://example.org/reports/{s}\n  retrieved: 2026-01\n"
                "  language: en\n"
            )
    with open(root / "actors.yaml", "w", encoding="utf-8") as fh:
        for a in range(200):
            fh.write(f"- {{id: actor-{a:03d}, name: Actor {a}, kind: person, country: ZZ}}\n")
    with open(root / "places.yaml", "w", encoding="utf-8") as fh:
        for p in range(100):
            fh.write(f"- {{id: place-{p:03d}, name: Place {p}, country: ZZ}}\n")
    for i in range(n_events):
        eid, text = _event(rng, i, n_sources)
        (root / "events" / f"{eid}.yaml").write_text(text, encoding="utf-8")
    return root


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", type=Path)
    ap.add_argument("--events", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    write_curated(args.directory, args.events, seed=args.seed)
    print(f"{args.events} curated events in {time.perf_counter() - t0:.1f} s -> {args.directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
