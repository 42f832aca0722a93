"""chrono export csv against pyarrow.csv.write_csv of the same tables, paired rounds.

    python benchmarks/bench_export.py [--events 1000000] [--rounds 5] [--workdir DIR]

A synthetic dataset (benchmarks/synthetic.py: per event a date and an occurrence claim, a
type claim for every third, two participants) is generated outside the timers (or reused
from --workdir). Then, interleaved, each round times:

- A: ``chrono.views.export.to_csv``: read the Parquet tables, build the flat
  ``event_claims`` table, write 7 CSV files and the datapackage.json (with sha256);
- B: ``pyarrow.csv.write_csv`` of the same 7 tables, already in memory (reading and the
  join are not timed): the cost of writing the bytes alone (the target's baseline);
- C: the same job done with pyarrow alone, end to end: ``pq.read_table`` of the six
  tables, the flat table by ``Table.join``, ``write_csv`` of the seven.

Printed: the medians of the paired ratios A/B and A/C with their spread and the load
average. Target at 1M events: A/B <= 1.5x.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pyarrow as pa  # noqa: E402
import pyarrow.csv as pacsv  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from paired import paired, report  # noqa: E402
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

    ds = Dataset.open(data)
    out_c = work / "c"
    out_c.mkdir(exist_ok=True)

    def side(table: pa.Table, name: str) -> pa.Table:
        cols = [(c, n) for t, c, n in FLAT_COLUMNS if t == name]
        return table.select([c for c, _ in cols]).rename_columns([n for _, n in cols])

    def arrow_pipeline() -> None:
        raw = {}
        for name in TABLE_NAMES:
            t = pq.read_table(ds.resource(name).file)
            raw[name] = pa.table(
                {f.name: t[f.name].cast(pa.string()) if pa.types.is_dictionary(f.type)
                 else t[f.name] for f in t.schema}
            )  # fmt: skip
        flat = raw["claims"].join(side(raw["events"], "events"), "event_id", join_type="left outer")
        flat = flat.join(side(raw["sources"], "sources"), "source_id", join_type="left outer")
        for name, table in {**raw, FLAT: flat}.items():
            pacsv.write_csv(table, out_c / f"{name}.csv")

    print(f"{args.events} events: {rows['claims']} claims, {rows[FLAT]} flat rows")
    result = paired(chrono_csv, arrow_csv, args.rounds)
    print(report("export csv vs write_csv of the same tables", result, "<= 1.5x"))
    result = paired(chrono_csv, arrow_pipeline, args.rounds)
    print(report("export csv vs pyarrow read+join+write", result, "none (context)"))
    size = sum(p.stat().st_size for p in out_a.iterdir()) / 1e6
    print(f"CSV written: {size:.0f} MB")
    if not args.workdir:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
