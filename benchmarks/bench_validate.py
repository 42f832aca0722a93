"""chrono validate against pyarrow.parquet.read_table of the same files, paired runs.

    python benchmarks/bench_validate.py [--sizes 1000000,10000000] [--workdir DIR] [--pairs 5]

For each N, a synthetic dataset of N events (benchmarks/synthetic.py: claims, sources,
actors, participants, places) is generated (or reused from --workdir). Then ``--pairs``
rounds of runs, interleaved in alternating order (benchmarks/pairing.py), each run in its
own fresh process so its peak memory is its own: reading every column of every table with
``pq.read_table``; ``chrono.validate``; and, where pyarrow has jemalloc, the same read
allocating from jemalloc, the allocator validate takes for its batches
(chrono/validation/memory.py), so that the ratio to a read on equal terms is printed too.
All processes import the same libraries (pandas included: the first ``read_table`` would
import it inside the timer) and warm up on the bundled dataset before their timer starts.
Printed per N: each side's median seconds, CPU seconds (and their kernel part) and peak
memory, the medians of the paired ratios (wall and CPU) with their spread, and the
machine's load. Targets: validate / read <= 2 at 1M events, 1.5 at 10M (issue 14).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from pairing import Sample, child, mib, rounds

HERE = Path(__file__).resolve().parent

SETUP = """
try:
    import pandas  # pyarrow imports it on first use: never inside a timer
except ImportError:
    pass
import json
import numpy, pyarrow, pyarrow.compute, pyarrow.parquet as pq
{extra}
def read_all(d):
    desc = json.load(open(d + "/datapackage.json"))
    for r in desc["resources"]:
        pq.read_table(d + "/" + r["path"])
"""

READ = ("", "read_all(ARGS[1])", "read_all(ARGS[0])")
#: the read with the allocator validate uses for its batches (chrono.validation.memory)
READ_JEMALLOC = (
    "pyarrow.set_memory_pool(pyarrow.jemalloc_memory_pool())",
    "read_all(ARGS[1])",
    "read_all(ARGS[0])",
)
VALIDATE = (
    "from chrono.validation import validate",
    "validate(ARGS[1])",
    """
    rep = validate(ARGS[0])
    result = {"valid": rep.valid, "counts": rep.counts, "fatal": rep.fatal}
    """,
)


def measure(which: tuple[str, str, str], directory: Path, warm_on: Path) -> Sample:
    extra, warm, body = which
    return child(SETUP.format(extra=extra), body, warm, args=(directory, warm_on))


def _has_jemalloc() -> bool:
    import pyarrow

    try:
        pyarrow.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--workdir", type=Path, default=None, help="keep (and reuse) datasets here")
    ap.add_argument("--pairs", type=int, default=5, help="paired runs per size")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from synthetic import generate

    from chrono.package import DEFAULT_DATASET, bundled_root

    warm_on = bundled_root() / DEFAULT_DATASET
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    jemalloc = _has_jemalloc()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.workdir or Path(tmp)
        for n in sizes:
            d = root / f"synthetic-{n}"
            if not (d / "datapackage.json").is_file():
                t0 = time.perf_counter()
                generate(d, n)
                print(f"  (generated {n} events in {time.perf_counter() - t0:.1f} s)", flush=True)
            sides = {
                "read": partial(measure, READ, d, warm_on),
                "validate": partial(measure, VALIDATE, d, warm_on),
            }
            if jemalloc:
                sides["read-jemalloc"] = partial(measure, READ_JEMALLOC, d, warm_on)
            r = rounds(sides, args.pairs)
            val = r.samples["validate"][-1].result
            print(f"{n:,} events, {r.load()}")
            for side in sides:
                peaks = sorted(s.peak or 0 for s in r.samples[side])
                print(
                    f"  {side:<13} median {r.side(side).median:7.2f} s, "
                    f"cpu {r.side(side, 'cpu').median:7.2f} s "
                    f"(kernel {r.side(side, 'kernel').median:.2f} s), "
                    f"peak {mib(peaks[len(peaks) // 2])} MiB"
                )
            print(f"  validate / read, wall: {r.ratio('validate', 'read')}")
            print(f"  validate / read, cpu:  {r.ratio('validate', 'read', 'cpu')}")
            if jemalloc:
                j = ("validate", "read-jemalloc")
                print(f"  validate / read-jemalloc, wall: {r.ratio(*j)}")
                print(f"  validate / read-jemalloc, cpu:  {r.ratio(*j, 'cpu')}")
            print(f"  validate: {'valid' if val['valid'] else 'INVALID'} {val['counts']}")
            if val["fatal"]:
                raise SystemExit(f"validate failed: {val['fatal']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
