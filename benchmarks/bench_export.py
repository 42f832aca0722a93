"""chrono export csv against pyarrow.csv.write_csv of the same tables, paired rounds.

    python benchmarks/bench_export.py [--events 1000000] [--rounds 5] [--workdir DIR]

A synthetic dataset (benchmarks/synthetic.py: per event a date and an occurrence claim, a
type claim for every third, two participants) is generated outside the timers (or reused
from --workdir). Then, interleaved, each round times:

- A: ``chrono.views.export.to_csv``: read the Parquet tables, build the flat
  ``event_claims`` table, write 7 CSV files and the datapackage.json (with sha256);
- B: ``pyarrow.csv.write_csv`` of the same 7 tables, already in memory (reading and the
  join are not timed): the cost of writing the bytes alone.

Printed: the median of the paired ratios A/B with their spread and the load average.
Target at 1M events: <= 1.5x.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pyarrow.csv as pacsv  # noqa: E402
from paired import paired, report  # noqa: E402
from synthetic import generate  # noqa: E402

from chrono.dataset import Dataset  # noqa: E402
from chrono.views.data import FLAT, event_claims, read_tables  # noqa: E402
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
    tables = read_tables(Dataset.open(data))
    tables[FLAT] = event_claims(tables)
    rows = {name: t.num_rows for name, t in tables.items()}
    out_a, out_b = work / "a", work / "b"
    out_b.mkdir(exist_ok=True)

    def chrono_csv() -> None:
        shutil.rmtree(out_a, ignore_errors=True)
        to_csv(data, out_a)

    def arrow_csv() -> None:
        for name, table in tables.items():
            pacsv.write_csv(table, out_b / f"{name}.csv")

    result = paired(chrono_csv, arrow_csv, args.rounds)
    size = sum(p.stat().st_size for p in out_a.iterdir()) / 1e6
    print(f"{args.events} events: {rows['claims']} claims, {rows[FLAT]} flat rows, {size:.0f} MB")
    print(report("export csv vs write_csv", result, "<= 1.5x"))
    if not args.workdir:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
