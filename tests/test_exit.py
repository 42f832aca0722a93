"""A command's process ends with its own exit code: nothing chrono leaves to Arrow's
threads aborts the interpreter at exit after the output is printed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import table_file

SRC = Path(__file__).resolve().parents[1] / "src"

# Reads a Parquet file from memory as `chrono diff` does with a git blob and `textconv` with
# the file git hands it. Backed by a Python bytes object, the same read aborted the process
# at exit ("terminate called without an active exception", exit -6) in 12 runs of 80.
READ = """
import sys
from chrono import safeio
blob = open(sys.argv[1], "rb").read()
table = safeio.parquet_from_memory(blob)
print(table.num_rows)
"""


def test_a_read_from_memory_exits_cleanly_every_time() -> None:
    path = table_file(SRC.parent / "datasets" / "russia-china-summits", "events")
    runs = 40
    codes = []
    for start in range(0, runs, 4):  # four processes at a time
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", READ, str(path)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(start, min(start + 4, runs))
        ]
        for p in procs:
            out, err = p.communicate(timeout=120)
            codes.append((p.returncode, out.strip(), err.strip()[-200:]))
    assert codes == [(0, "79", "")] * runs


def test_only_safeio_reads_parquet_from_memory() -> None:
    users = sorted(
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if "BufferReader" in p.read_text(encoding="utf-8")
    )
    assert users == ["chrono/safeio/reading.py"]
