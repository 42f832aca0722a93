"""``chrono validate --schema-only`` against the full ``chrono validate``, each as a process.

    python benchmarks/bench_schema_check.py [--pairs N]

Runs both commands on the bundled dataset (what an editor hook or pre-commit would run),
each once untimed, then in pairs, interleaved in alternating order (benchmarks/pairing.py).
Prints each command's median wall time (per curated file for the schema check) and CPU
time, the median of the paired ratios full / schema-only with their spread, and the load.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pairing import Sample, rounds

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "datasets" / "russia-china-summits"
CLI = "import sys; from chrono.cli import main; sys.argv[0] = 'chrono'; main()"


def command(args: list[str]) -> Callable[[], Sample]:
    def run() -> Sample:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", CLI, *args], check=True, capture_output=True)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return Sample(seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)

    run()  # warm: the files in the page cache, the bytecode compiled
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    files = 4 + len(list(DATASET.glob("events/*.yaml")))
    r = rounds(
        {
            "schema": command(["validate", "--schema-only", str(DATASET)]),
            "full": command(["validate", str(DATASET)]),
        },
        args.pairs,
    )
    schema, full = r.side("schema").median, r.side("full").median
    print(f"validate --schema-only: {schema * 1000:.0f} ms ({schema * 1000 / files:.1f} ms a file)")
    print(f"validate (full):        {full * 1000:.0f} ms")
    print(f"full / schema-only, wall: {r.ratio('full', 'schema')}")
    print(f"full / schema-only, cpu:  {r.ratio('full', 'schema', 'cpu')}")
    print(r.load())


if __name__ == "__main__":
    main()
