"""chrono export csv against pyarrow.csv.write_csv of the same tables, paired rounds.

    python benchmarks/bench_export.py [--events 1000000] [--rounds 5] [--workdir DIR]

A synthetic dataset (benchmarks/synthetic.py: per event a date and an occurrence claim, a
type claim for every third, two participants) is generated outside the timers (or reused
from --workdir). Then, interleaved (pairing.py: warmed first, the order alternating each
round), each round times:

- A: ``chrono.views.export.to_csv``: open the dataset, read its six Parquet tables,
  build the flat ``event_claims`` table, write 7 CSV files (each fsynced) and the
  datapackage.json, and rename them into place (``force``: over the previous round's);
- B, **the target's baseline**: ``pyarrow.csv.write_csv`` of the same 7 tables, starting
  from the same files: ``pq.read_table`` of the six Parquet files and ``write_csv`` of
  each as read, then ``write_csv`` of the flat table, which is built beforehand, outside
  the timer (pyarrow has no function for it; building it is charged to chrono). The
  export cannot start from tables in memory, so neither does its baseline: "the same
  tables" read from the same place;
- B0: ``write_csv`` alone of the same 7 tables already in memory (the cost of the bytes
  alone; chrono's reading, flat table and fsync are all overhead against it);
- C: the same job done with pyarrow alone, end to end: ``pq.read_table`` of the six
  tables, the flat table by ``Table.join``, ``write_csv`` of the seven.

Every timed run starts after an untimed ``os.sync()``: chrono syncs its files to disk, the
baselines do not, and no run should pay for the writeback of another's gigabytes.
Printed: the medians of the paired ratios A/B, A/B0 and A/C, wall and CPU (every thread),
with their spread, each side's median, and the load average. Target at 1M events, in one
run: A/B <= 1.5x (wall).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pyarrow as pa  # noqa: E402
import pyarrow.csv as pacsv  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from pairing import Sample, rounds, warmed  # noqa: E402
from synthetic import generate  # noqa: E402

from chrono.dataset import Dataset  # noqa: E402
from chrono.model.tables import TABLE_NAMES  # noqa: E402
from chrono.views.data import FLAT, FLAT_COLUMNS, event_claims, read_tables  # noqa: E402
from chrono.views.export import to_csv  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="chrono-bench-export-"))
    data = work / f"synthetic-{args.events}"
    if not (data / "datapackage.json").is_file():
        generate(data, args.events)
    ds = Dataset.open(data)
    files = {name: ds.resource(name).file for name in TABLE_NAMES}
    tables = read_tables(ds, decode=False)
    flat = event_claims(tables)
    in_memory = {**tables, FLAT: flat}
    rows = {name: t.num_rows for name, t in in_memory.items()}
    out = {side: work / side for side in ("a", "b", "b0", "c")}
    for side in ("b", "b0", "c"):
        out[side].mkdir(exist_ok=True)

    def chrono_csv() -> None:
        to_csv(data, out["a"], force=True)

    def read_and_write() -> None:
        for name in TABLE_NAMES:
            pacsv.write_csv(pq.read_table(files[name]), out["b"] / f"{name}.csv")
        pacsv.write_csv(flat, out["b"] / f"{FLAT}.csv")

    def write_only() -> None:
        for name, table in in_memory.items():
            pacsv.write_csv(table, out["b0"] / f"{name}.csv")

    def side(table: pa.Table, name: str) -> pa.Table:
        cols = [(c, n) for t, c, n in FLAT_COLUMNS if t == name]
        return table.select([c for c, _ in cols]).rename_columns([n for _, n in cols])

    def arrow_pipeline() -> None:
        raw = {}
        for name in TABLE_NAMES:
            t = pq.read_table(files[name])
            raw[name] = pa.table(
                {f.name: t[f.name].cast(pa.string()) if pa.types.is_dictionary(f.type)
                 else t[f.name] for f in t.schema}
            )  # fmt: skip
        joined = raw["claims"].join(
            side(raw["events"], "events"), "event_id", join_type="left outer"
        )
        joined = joined.join(side(raw["sources"], "sources"), "source_id", join_type="left outer")
        for name, table in {**raw, FLAT: joined}.items():
            pacsv.write_csv(table, out["c"] / f"{name}.csv")

    print(f"{args.events} events: {rows['claims']} claims, {rows[FLAT]} flat rows", flush=True)

    def settled(side: Callable[[], Sample]) -> Callable[[], Sample]:
        """The side timed after ``os.sync()`` (untimed): no run pays for the writeback of
        the gigabytes another run left in the page cache (chrono fsyncs its files)."""

        def run() -> Sample:
            os.sync()
            return side()

        return run

    r = rounds(
        {
            "chrono": settled(warmed(chrono_csv)),
            "read+write_csv": settled(warmed(read_and_write)),
            "write_csv": settled(warmed(write_only)),
            "pyarrow read+join+write": settled(warmed(arrow_pipeline)),
        },
        args.rounds,
    )
    a = r.side("chrono")
    print(f"chrono export csv: {a.median:.3f} s wall, {r.side('chrono', 'cpu').median:.3f} s CPU")
    for name, target in (
        ("read+write_csv", "target <= 1.5x"),
        ("write_csv", "write_csv of tables in memory: context"),
        ("pyarrow read+join+write", "context"),
    ):
        print(
            f"  vs {name} ({r.side(name).median:.3f} s, {r.side(name, 'cpu').median:.3f} s "
            f"CPU): wall {r.ratio('chrono', name)}; CPU {r.ratio('chrono', name, 'cpu')} "
            f"({target})"
        )
    print(f"  {r.load()}")
    size = sum(p.stat().st_size for p in out["a"].iterdir()) / 1e6
    print(f"CSV written: {size:.0f} MB")
    if not args.workdir:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
