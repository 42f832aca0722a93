"""chrono validate against pyarrow.parquet.read_table of the same files, in one run.

    python benchmarks/bench_validate.py [--sizes 1000000,10000000] [--workdir DIR] [--repeat N]

For each N, a synthetic dataset of N events (benchmarks/synthetic.py: claims, sources,
actors, participants, places) is generated (or reused from --workdir), then two
measurements run, each in its own subprocess so its peak memory (ru_maxrss) is its own:
reading every table with ``pq.read_table``, and ``chrono.validate``. Printed: seconds,
the ratio validate / read, and peak memory; with ``--repeat N`` each is run N times,
interleaved, and the fastest of each is kept (the machine this was written on is shared:
single runs of either vary by up to 1.5x). Target at 10M events: ratio <= 2.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

READ = """
import json, resource, sys, time
import pyarrow.parquet as pq
d = sys.argv[1]
desc = json.load(open(d + "/datapackage.json"))
t0 = time.perf_counter()
for r in desc["resources"]:
    pq.read_table(d + "/" + r["path"])
t = time.perf_counter() - t0
print(json.dumps({"seconds": t, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

VALIDATE = """
import json, resource, sys, time
import pyarrow.parquet
from chrono.validation import validate
t0 = time.perf_counter()
rep = validate(sys.argv[1])
t = time.perf_counter() - t0
print(json.dumps({"seconds": t, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "valid": rep.valid, "counts": rep.counts, "fatal": rep.fatal}))
"""


def measure(code: str, directory: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", code, str(directory)], check=True, capture_output=True, text=True
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--workdir", type=Path, default=None, help="keep (and reuse) datasets here")
    ap.add_argument(
        "--repeat", type=int, default=1, help="runs of each, interleaved; the best is kept"
    )
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from synthetic import generate

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        root = args.workdir or Path(tmp)
        print(
            f"{'events':>10} {'read s':>8} {'validate s':>10} {'ratio':>6} "
            f"{'read MiB':>9} {'validate MiB':>12}  result",
            flush=True,
        )
        for n in sizes:
            d = root / f"synthetic-{n}"
            if not (d / "datapackage.json").is_file():
                t0 = time.perf_counter()
                generate(d, n)
                print(
                    f"  (generated {n} events in {time.perf_counter() - t0:.1f} s)",
                    file=sys.stderr,
                    flush=True,
                )
            reads, vals = [], []
            for _ in range(args.repeat):  # interleaved: both see the same machine load
                reads.append(measure(READ, d))
                vals.append(measure(VALIDATE, d))
            read = min(reads, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]
            val = min(vals, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]
            rs, vs = float(read["seconds"]), float(val["seconds"])  # type: ignore[arg-type]
            rm = int(read["maxrss_kb"]) / 1024  # type: ignore[call-overload]
            vm = int(val["maxrss_kb"]) / 1024  # type: ignore[call-overload]
            print(
                f"{n:>10} {rs:>8.2f} {vs:>10.2f} {vs / rs:>6.2f} {rm:>9.0f} {vm:>12.0f}  "
                f"{'valid' if val['valid'] else 'INVALID'} {val['counts']}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
