"""chrono build of a curated dataset against libyaml alone parsing the same files, paired runs.

    python benchmarks/bench_build.py [--events 50000] [--workdir DIR] [--pairs 3]

A synthetic curated dataset of N events (benchmarks/curated.py: one YAML file per event)
is written (or reused from --workdir). Then, in this process, with every import done and
both sides run once on the bundled dataset first, ``--pairs`` pairs of runs interleaved
in alternating order (benchmarks/pairing.py):

- build: ``chrono.build.build`` (read and check the YAML, compile the tables, validate
  them) and ``chrono.build.write`` (Parquet and descriptor to disk); the previous output
  is deleted before the timer starts, so every run writes;
- libyaml: list the same files and ``yaml.compose`` each with PyYAML's ``CSafeLoader``
  (read from disk, composed, dropped).

Printed: each side's median wall and CPU seconds (CPU: every thread of this process;
steadier on a shared machine), the medians of the paired ratios build / libyaml with their
spread, and the machine's load. Target (issue 14): ratio <= 3 at 50,000 events.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from curated import write_curated
from pairing import Sample, in_process, rounds

from chrono import build as builder
from chrono.package import DEFAULT_DATASET, DESCRIPTOR, bundled_root


def libyaml_parse(root: Path) -> None:
    """Every curated file of ``root`` composed by libyaml, in the build's order."""
    top = [root / n for n in ("dataset.yaml", "sources.yaml", "actors.yaml", "places.yaml")]
    for path in [*top, *sorted((root / "events").glob("*.yaml"))]:
        yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def build_and_write(root: Path) -> None:
    builder.write(root, builder.build(root))


def clear_output(root: Path) -> None:
    shutil.rmtree(root / "data", ignore_errors=True)
    (root / DESCRIPTOR).unlink(missing_ok=True)


def side(
    fn: Callable[[Path], None], root: Path, before: Callable[[], None]
) -> Callable[[], Sample]:
    def run() -> Sample:
        before()  # untimed
        return in_process(lambda: fn(root))

    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=50_000)
    ap.add_argument("--workdir", type=Path, default=None, help="keep (and reuse) the dataset")
    ap.add_argument("--pairs", type=int, default=3)
    args = ap.parse_args(argv)
    if not yaml.__with_libyaml__:
        raise SystemExit("PyYAML was built without libyaml: nothing to compare with")
    with tempfile.TemporaryDirectory() as tmp:
        root = (args.workdir or Path(tmp)) / f"curated-{args.events}"
        if not (root / "dataset.yaml").is_file():
            t0 = time.perf_counter()
            write_curated(root, args.events)
            print(f"  (wrote {args.events} curated events in {time.perf_counter() - t0:.1f} s)")
        # warm: imports, code paths and caches, on a copy of the bundled dataset
        warm = Path(tmp) / "warm"
        shutil.copytree(bundled_root() / DEFAULT_DATASET, warm)
        build_and_write(warm)
        libyaml_parse(warm)
        r = rounds(
            {
                "build": side(build_and_write, root, lambda: clear_output(root)),
                "libyaml": side(libyaml_parse, root, lambda: None),
            },
            args.pairs,
        )
    print(f"{args.events:,} curated events, {r.load()}")
    for name in ("build", "libyaml"):
        wall, cpu = r.side(name).median, r.side(name, "cpu").median
        print(f"  {name:<8} median {wall:7.2f} s, cpu {cpu:7.2f} s (all threads)")
    print(f"  build / libyaml, wall: {r.ratio('build', 'libyaml')}")
    print(f"  build / libyaml, cpu:  {r.ratio('build', 'libyaml', 'cpu')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
