"""chrono diff against hand-written DuckDB queries and a pandas merge, paired runs.

    python benchmarks/bench_diff.py [--sizes 1000000,10000000] [--dataset-sizes 1000000]
        [--pairs 3] [--keep DIR] [--engines chrono,chrono-arrow,duckdb,pandas]

Events table (``--sizes``): two synthetic versions of an events table are written as
Parquet (the second: 1% of rows changed, 0.5% removed, 0.5% added; generated vectorised).
Each engine reads both files and computes the same counts (added, removed, changed).

Whole dataset (``--dataset-sizes``): two versions of a six-table synthetic dataset
(benchmarks/synthetic.py, ``revision=1``: events renamed, changed, removed and added,
claims and a source changed). ``chrono.diff`` with its report (exact counts, 50 rows per
kind listed, every provenance group) against ``diff_baseline.py``, a hand-written DuckDB
diff that finds the same renames and provenance groups; both must agree on every count and
on the number of provenance groups.

Every run is a fresh process that imports its libraries and runs once on a small pair of
files before its timer starts, so its peak memory (ru_maxrss) is its own. The engines run
in rounds, their order reversed every other round (benchmarks/pairing.py); printed: each
engine's median wall and CPU seconds (user + system, all threads; steadier than wall time
on a shared machine) and peak memory, the median of the per-round ratios chrono / other
with their spread, and the machine's load. ``chrono`` is the default engine (DuckDB when
installed); ``chrono-arrow`` is chrono's Arrow-compute engine, shown for the engine
choice. Every DuckDB run closes its connection (releasing its memory takes ~0.2 s at 10M
rows) inside the timing. Targets at 10M rows: chrono <= 1.2x DuckDB and >= 5x faster than
pandas, with memory bounded.
"""

from __future__ import annotations

import argparse
import tempfile
from functools import partial
from pathlib import Path

from pairing import Rounds, Sample, child, mib, rounds

HERE = Path(__file__).resolve().parent

COLUMNS = (
    "id, title, summary, type, status, date, earliest, latest, precision, uncertain, "
    "approximate, place_id, parent_id"
)


def generate(n: int, directory: Path, seed: int = 7) -> tuple[Path, Path, dict[str, int]]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from chrono.model.schema import arrow_schema
    from chrono.model.vocab import EVENT_TYPE, PRECISION_ORDER, STATUS

    rng = np.random.default_rng(seed)

    def ids(numbers: np.ndarray) -> pa.Array:
        digits = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), 10, "0")
        return pc.binary_join_element_wise("event-", digits, "")

    def vocab(terms: tuple[str, ...], codes: np.ndarray) -> pa.Array:
        return pa.DictionaryArray.from_arrays(
            pa.array(codes.astype(np.int32)), pa.array(terms, pa.string())
        )

    def table(numbers: np.ndarray, variant: np.ndarray) -> pa.Table:
        m = len(numbers)
        days = (numbers % 20000).astype(np.int32)
        label = pc.cast(pa.array(variant.astype(np.int64)), pa.string())
        title = pc.binary_join_element_wise(
            "Meeting number ", pc.cast(pa.array(numbers), pa.string()), " v", label, ""
        )
        date = pc.cast(pc.cast(pa.array(days), pa.date32()), pa.string())
        place = pc.if_else(pa.array(numbers % 3 == 0), pa.scalar(None, pa.string()), "some-city")
        cols = {
            "id": ids(numbers),
            "title": title,
            "summary": pa.array(np.full(m, "A synthetic event used by the benchmark.", object)),
            "type": vocab(tuple(EVENT_TYPE), numbers % len(EVENT_TYPE)),
            "status": vocab(tuple(STATUS), (numbers + variant) % 2),
            "date": date,
            "earliest": pa.array(days).cast(pa.date32()),
            "latest": pa.array(days).cast(pa.date32()),
            "precision": vocab(PRECISION_ORDER, np.zeros(m, np.int64)),
            "uncertain": pa.array(np.zeros(m, bool)),
            "approximate": pa.array(np.zeros(m, bool)),
            "place_id": place,
            "parent_id": pa.nulls(m, pa.string()),
        }
        schema = arrow_schema("events")
        return pa.Table.from_arrays([cols[f.name].cast(f.type) for f in schema], schema=schema)

    numbers = np.arange(n, dtype=np.int64)
    pick = rng.permutation(n)
    n_changed, n_removed, n_added = n // 100, n // 200, n // 200
    variant = np.zeros(n, np.int64)
    variant[pick[:n_changed]] = 1
    removed = np.zeros(n, bool)
    removed[pick[n_changed : n_changed + n_removed]] = True
    old = table(numbers, np.zeros(n, np.int64))
    kept = numbers[~removed]
    new_numbers = np.concatenate([kept, np.arange(n, n + n_added, dtype=np.int64)])
    new = table(new_numbers, np.concatenate([variant[~removed], np.zeros(n_added, np.int64)]))
    a, b = directory / f"old-{n}.parquet", directory / f"new-{n}.parquet"
    pq.write_table(old, a, compression="zstd")
    pq.write_table(new, b, compression="zstd")
    return a, b, {"added": n_added, "removed": n_removed, "changed": n_changed}


#: Per engine: (imports, the source of ``def run(A, B)`` returning the counts).
ENGINES = {
    "chrono": (
        "import chrono, chrono.diffing.duck, duckdb, numpy, pyarrow",
        """
def run(A, B):
    d = chrono.diff(A, B)
    t = d["events"]
    d.to_dict(limit=50)  # what `chrono diff` renders: exact counts, 50 rows listed
    return {"added": len(t.added), "removed": len(t.removed), "changed": len(t.changed)}
""",
    ),
    "chrono-arrow": (
        "import chrono, numpy, pyarrow",
        """
def run(A, B):
    d = chrono.diff(A, B, engine="arrow")
    t = d["events"]
    d.to_dict(limit=50)
    return {"added": len(t.added), "removed": len(t.removed), "changed": len(t.changed)}
""",
    ),
    "duckdb": (
        "import duckdb",
        """
def run(A, B):
    cols = [c.strip() for c in COLUMNS.split(",") if c.strip() != "id"]
    differs = " OR ".join(f"a.{c} IS DISTINCT FROM b.{c}" for c in cols)
    with duckdb.connect() as con:  # closed, its memory released, like chrono's
        con.execute("SET enable_progress_bar = false")
        row = con.execute(f'''
            SELECT count(*) FILTER (WHERE a.id IS NULL),
                   count(*) FILTER (WHERE b.id IS NULL),
                   count(*) FILTER (WHERE a.id IS NOT NULL AND b.id IS NOT NULL
                                    AND ({differs}))
            FROM read_parquet('{A}') a FULL OUTER JOIN read_parquet('{B}') b ON a.id = b.id
        ''').fetchone()
    return {"added": row[0], "removed": row[1], "changed": row[2]}
""",
    ),
    "pandas": (
        "import pandas as pd, pyarrow",
        """
def run(A, B):
    a = pd.read_parquet(A)
    b = pd.read_parquet(B)
    m = a.merge(b, on="id", how="outer", suffixes=("_a", "_b"), indicator=True)
    both = m[m["_merge"] == "both"]
    cols = [c.strip() for c in COLUMNS.split(",") if c.strip() != "id"]
    changed = pd.Series(False, index=both.index)
    for c in cols:
        x, y = both[c + "_a"], both[c + "_b"]
        if isinstance(x.dtype, pd.CategoricalDtype):
            x, y = x.astype(object), y.astype(object)
        changed |= ~((x == y) | (x.isna() & y.isna()))
    return {
        "added": int((m["_merge"] == "right_only").sum()),
        "removed": int((m["_merge"] == "left_only").sum()),
        "changed": int(changed.sum()),
    }
""",
    ),
}

#: Whole datasets: chrono's report against the hand-written DuckDB diff (diff_baseline.py).
DATASET_ENGINES = {
    "chrono": (
        "import chrono, chrono.diffing.duck, duckdb, numpy, pyarrow",
        """
def run(A, B):
    report = chrono.diff(A, B).to_dict(limit=50)  # exact counts, 50 rows, every group
    kinds = ("added", "removed", "changed", "renamed")
    counts = {t["name"]: {k: t["counts"][k] for k in kinds} for t in report["tables"]}
    return {"counts": counts, "groups": len(report["provenance"])}
""",
    ),
    "duckdb": (
        "import diff_baseline, duckdb",
        """
def run(A, B):
    out = diff_baseline.diff(A, B)
    return {"counts": out["counts"], "groups": len(out["provenance"])}
""",
    ),
}


def measure(engine: tuple[str, str], files: tuple[Path, Path], warm: tuple[Path, Path]) -> Sample:
    imports, define = engine
    setup = f"sys.path.insert(0, {str(HERE)!r})\nCOLUMNS = {COLUMNS!r}\n{imports}\n{define}"
    return child(setup, "result = run(ARGS[0], ARGS[1])", "run(ARGS[2], ARGS[3])", (*files, *warm))


def report(r: Rounds, engines: list[str]) -> None:
    print(f"  {r.load()}")
    for engine in engines:
        peaks = sorted(s.peak or 0 for s in r.samples[engine])
        print(
            f"  {engine:<12} median {r.side(engine).median:8.2f} s  "
            f"cpu {r.side(engine, 'cpu').median:7.2f} s   peak {mib(peaks[len(peaks) // 2])} MiB"
        )
    for other in (e for e in engines if e != "chrono"):
        print(f"  chrono / {other}, wall: {r.ratio('chrono', other)}")
        print(f"  chrono / {other}, cpu:  {r.ratio('chrono', other, 'cpu')}")


def agree(r: Rounds) -> object:
    """The one result every run of every engine gave (exit when two differ)."""
    results = [s.result for samples in r.samples.values() for s in samples]
    for res in results[1:]:
        if res != results[0]:
            raise SystemExit(f"engines disagree: {res} != {results[0]}")
    return results[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="events table rows")
    parser.add_argument("--dataset-sizes", default="1000000", help="whole datasets: events")
    parser.add_argument("--pairs", type=int, default=3, help="rounds of runs per size")
    parser.add_argument("--engines", default="chrono,chrono-arrow,duckdb,pandas")
    parser.add_argument("--keep", type=Path, help="write the Parquet files here, keep them")
    args = parser.parse_args()
    engines = args.engines.split(",")
    from synthetic import generate as generate_dataset

    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        warm_a, warm_b, _ = generate(1000, directory)
        for n in (int(s) for s in args.sizes.split(",") if s.strip()):
            a, b, planted = generate(n, directory)
            print(f"events table, N = {n:,} rows")
            r = rounds(
                {e: partial(measure, ENGINES[e], (a, b), (warm_a, warm_b)) for e in engines},
                args.pairs,
            )
            if agree(r) != planted:
                raise SystemExit(f"counts {agree(r)} differ from the planted {planted}")
            report(r, engines)
        warm = (directory / "dataset-2000-old", directory / "dataset-2000-new")
        for n in [2000, *(int(s) for s in args.dataset_sizes.split(",") if s.strip())]:
            old, new = directory / f"dataset-{n}-old", directory / f"dataset-{n}-new"
            for d, revision in ((old, 0), (new, 1)):
                if not (d / "datapackage.json").is_file():
                    generate_dataset(d, n, revision=revision)
            if n == 2000:
                continue
            print(f"whole dataset, N = {n:,} events")
            sides = {e: partial(measure, DATASET_ENGINES[e], (old, new), warm)
                     for e in DATASET_ENGINES}  # fmt: skip
            r = rounds(sides, args.pairs)
            result = agree(r)
            report(r, list(DATASET_ENGINES))
            print(f"  {result['groups']} provenance groups; counts {result['counts']}")  # type: ignore[index]


if __name__ == "__main__":
    main()
