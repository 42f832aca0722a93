"""A chrono command run from this checkout against the same command at another git revision.

    python benchmarks/bench_cli.py [--against main] [--pairs 10] [-- validate DATASET ...]

Both sides run the command-line interface in fresh processes (what CI pays on every run:
imports included), paired and interleaved in alternating order (benchmarks/pairing.py);
the other revision's ``src/`` and ``datasets/`` are extracted with ``git archive`` to a
temporary folder, whose ``src`` goes first on ``PYTHONPATH``. Each side runs once untimed
first. Printed: each side's median CPU (user + system) and wall seconds, the median of the
paired ratios this / other with their spread, and the machine's load. The default command
validates the bundled dataset.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pairing import Sample, rounds

ROOT = Path(__file__).resolve().parent.parent
CODE = "from chrono.cli import main; main()"


def side(src: Path, command: list[str]) -> Callable[[], Sample]:
    env = dict(os.environ, PYTHONPATH=str(src))

    def run() -> Sample:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", CODE, *command], capture_output=True, env=env, cwd=ROOT
        )
        if out.returncode not in (0, 1):  # 1: findings, differences, stale
            raise SystemExit(f"{src}: chrono {' '.join(command)} failed:\n{out.stderr.decode()}")
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        return Sample(seconds, cpu)

    run()  # warm: the files in the page cache, the bytecode compiled
    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", default="main", help="a git revision (default: main)")
    ap.add_argument("--pairs", type=int, default=10)
    ap.add_argument("command", nargs="*", default=["validate", "datasets/russia-china-summits"])
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", args.against, "src", "datasets"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        r = rounds(
            {
                "this": side(ROOT / "src", args.command),
                "other": side(Path(tmp, "src"), args.command),
            },
            args.pairs,
        )
    print(f"chrono {' '.join(args.command)}: this checkout against {args.against}")
    for name, label in (("this", "this checkout"), ("other", args.against)):
        print(f"  {label:<14} cpu {r.side(name, 'cpu')}")
        print(f"  {'':<14} wall {r.side(name)}")
    print(f"  this / {args.against}, cpu:  {r.ratio('this', 'other', 'cpu')}")
    print(f"  this / {args.against}, wall: {r.ratio('this', 'other')}")
    print(f"  {r.load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
