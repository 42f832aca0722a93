"""``chrono validate --schema-only`` against the full ``chrono validate``, each as a process.

    python benchmarks/bench_schema_check.py [--runs N]

Runs both commands on the bundled dataset (what an editor hook or pre-commit would run) and
prints the best wall time of each, per curated file for the schema check, and the ratio.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "datasets" / "russia-china-summits"
CLI = "import sys; from chrono.cli import main; sys.argv[0] = 'chrono'; main()"


def best(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", CLI, *args], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each; the best counts")
    args = parser.parse_args()
    files = 4 + len(list(DATASET.glob("events/*.yaml")))
    schema = best(["validate", "--schema-only", str(DATASET)], args.runs)
    full = best(["validate", str(DATASET)], args.runs)
    print(f"validate --schema-only: {schema * 1000:.0f} ms ({schema * 1000 / files:.1f} ms a file)")
    print(f"validate (full):        {full * 1000:.0f} ms")
    print(f"ratio full / schema-only: {full / schema:.1f}x")


if __name__ == "__main__":
    main()
