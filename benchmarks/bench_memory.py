"""Peak memory of chrono validate, chrono diff and the exports as the dataset grows.

    python benchmarks/bench_memory.py [--sizes 1000000,10000000,100000000] --workdir DIR
        [--commands validate,diff,export] [--memory-limit 4G] [--batch-rows N]
        [--formats json,jsonld,...] [--kill-at 8G] [--timeout 300]

For each N, the synthetic dataset of N events (benchmarks/synthetic.py, streamed: 100M
events are never held in memory) is generated into ``DIR/synthetic-N`` (the next version,
``revision=1``, into ``DIR/synthetic-N-r1`` for the diff), or reused. Then, each in a fresh
process that imports its libraries and warms up on the bundled dataset first:

- ``chrono.validate`` of the dataset;
- ``chrono.diff`` of the two versions with its report (exact counts, 50 rows per kind,
  every provenance group), DuckDB capped at ``--memory-limit`` and spilling into a
  private folder under DIR;
- the read of the six tables alone (what every export starts from), then
  ``chrono.views.export.export`` of the dataset in each of ``--formats`` (every format
  but csv and xlsx by default) into ``DIR/export-FORMAT``, removed after the run. A run
  whose resident memory passes ``--kill-at`` or whose wall time passes ``--timeout`` is
  killed and printed as such.

Printed per N: the tables' rows and their size (Parquet on disk, and uncompressed as the
Parquet footers state it, which is about their Arrow size), each run's wall and CPU seconds
and peak memory (VmHWM), and peak memory per event and against the uncompressed size. A
bounded engine's peak grows with the per-key state the rules keep (docs/validate.md), not
with the tables; the plain read of the tables (bench_validate.py's baseline) needs their
whole uncompressed size. One run per size: these are memory curves, not timing ratios.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from pairing import Sample, bounded_child, child, machine, mib

HERE = Path(__file__).resolve().parent

WARM_ON = "russia-china-summits"

VALIDATE = (
    "from chrono.validation import validate",
    f"validate({WARM_ON!r}, batch_rows=BATCH)",
    """
rep = validate(ARGS[0], batch_rows=BATCH)
result = {"valid": rep.valid, "counts": rep.counts, "fatal": rep.fatal}
""",
)

DIFF = (
    "import chrono, duckdb",
    f"chrono.diff({WARM_ON!r}, {WARM_ON!r}, memory_limit=LIMIT, temp_dir=SPILL)",
    """
report = chrono.diff(ARGS[0], ARGS[1], memory_limit=LIMIT, temp_dir=SPILL).to_dict(limit=50)
kinds = ("added", "removed", "changed", "renamed")
result = {
    "counts": {t["name"]: {k: t["counts"][k] for k in kinds} for t in report["tables"]},
    "groups": len(report["provenance"]),
}
""",
)


EXPORT = (
    "import tempfile, pathlib\nfrom chrono.views.export import export",
    f"export(FORMAT, {WARM_ON!r}, pathlib.Path(tempfile.mkdtemp()) / 'warm')",
    """
r = export(FORMAT, ARGS[0], ARGS[1], force=True)
result = {"rows": r.rows, "bytes": sum(
    p.stat().st_size for p in [pathlib.Path(ARGS[1]), *pathlib.Path(ARGS[1]).glob("*")]
    if p.is_file())}
""",
)
#: What every export starts from: the six tables read whole (the floor of their peaks).
READ = (
    "from chrono.dataset import Dataset\nfrom chrono.views.data import read_tables",
    f"read_tables(Dataset.open({WARM_ON!r}))",
    """
tables = read_tables(Dataset.open(ARGS[0]))
result = {"arrow_bytes": sum(t.nbytes for t in tables.values())}
""",
)
#: The formats measured by default: those a dataset's rows pass through Python for.
EXPORT_FORMATS = "json,ndjson,jsonld,ics,geojson,timelinejs,sqlite"


def sizes(directory: Path) -> tuple[dict[str, int], int, int]:
    """Rows per table, bytes on disk, and uncompressed bytes (from the Parquet footers)."""
    import pyarrow.parquet as pq

    desc = json.loads((directory / "datapackage.json").read_text())
    rows: dict[str, int] = {}
    disk = raw = 0
    for res in desc["resources"]:
        path = directory / res["path"]
        meta = pq.ParquetFile(path).metadata
        rows[res["name"]] = meta.num_rows
        disk += path.stat().st_size
        raw += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    return rows, disk, raw


def run(which: tuple[str, str, str], params: str, args: tuple[object, ...]) -> Sample:
    imports, warm, body = which
    return child(f"{params}\n{imports}", body, warm, args=args)


def line(what: str, s: Sample, events: int, raw: int) -> str:
    per = s.peak / events if s.peak else 0.0
    return (
        f"  {what:<9} {s.seconds:8.1f} s, cpu {s.cpu or 0:8.1f} s, peak {mib(s.peak)} MiB"
        f" ({per:,.0f} B/event, {s.peak / raw if s.peak else 0:.2f}x uncompressed)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000000,10000000,100000000")
    ap.add_argument("--workdir", type=Path, required=True, help="keep (and reuse) datasets here")
    ap.add_argument("--commands", default="validate,diff", help="which to measure")
    ap.add_argument("--memory-limit", default="4G", help="DuckDB's cap for the diff")
    ap.add_argument("--batch-rows", type=int, default=None, help="validate's batch (default)")
    ap.add_argument("--formats", default=EXPORT_FORMATS, help="the exports to measure")
    ap.add_argument("--kill-at", default="8G", help="an export run's memory cap (killed)")
    ap.add_argument("--timeout", type=float, default=300.0, help="an export run's seconds")
    args = ap.parse_args(argv)
    commands = {c.strip() for c in args.commands.split(",") if c.strip()}
    if not commands <= {"validate", "diff", "export"}:
        ap.error(f"--commands: validate, diff and/or export, not {args.commands!r}")
    sys.path.insert(0, str(HERE))
    from synthetic import generate

    from chrono.safeio import parse_size
    from chrono.validation.engine import BATCH_ROWS

    limit = parse_size(args.memory_limit)
    spill = args.workdir / "spill"
    spill.mkdir(parents=True, exist_ok=True)
    batch = args.batch_rows or BATCH_ROWS
    validate_params = f"BATCH = {batch}"
    diff_params = f"LIMIT = {limit}\nSPILL = {str(spill)!r}"
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        old, new = args.workdir / f"synthetic-{n}", args.workdir / f"synthetic-{n}-r1"
        for d, revision in ((old, 0), *(((new, 1),) if "diff" in commands else ())):
            if not (d / "datapackage.json").is_file():
                generate(d, n, revision=revision)
        rows, disk, raw = sizes(old)
        load = machine()
        print(f"{n:,} events, {load['cpus']} CPUs, load {load['load']}")
        print(
            "  tables   "
            + ", ".join(f"{k} {v:,}" for k, v in rows.items())
            + f" rows; {mib(disk)} MiB on disk, {mib(raw)} MiB uncompressed"
        )
        if "validate" in commands:
            s = run(VALIDATE, validate_params, (old,))
            print(line("validate", s, n, raw) + f"  {s.result}")
        if "diff" in commands:
            s = run(DIFF, diff_params, (old, new))
            print(line("diff", s, n, raw) + f"  (DuckDB at most {args.memory_limit})")
            print(f"  diff found {s.result}")
        if "export" in commands:
            cap = parse_size(args.kill_at)
            s = run(READ, "", (old,))
            print(line("read", s, n, raw) + f"  {s.result} (the tables every export reads)")
            for fmt in (f.strip() for f in args.formats.split(",") if f.strip()):
                out = args.workdir / f"export-{fmt}"
                imports, warm, body = EXPORT
                s = bounded_child(
                    f"FORMAT = {fmt!r}\n{imports}", body, warm, (old, out),
                    max_bytes=cap, timeout=args.timeout,
                )  # fmt: skip
                shutil.rmtree(out, ignore_errors=True)
                out.unlink(missing_ok=True)
                what = f"{fmt:<10}"
                if s.killed:
                    print(f"  {what} killed: {s.killed} (load {machine()['load']})", flush=True)
                else:
                    print(line(what, s, n, raw) + f"  {s.result}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
