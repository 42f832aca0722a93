"""Paired, interleaved timings: the ratio of chrono to its baseline, measured side by side.

Every benchmark in this folder measures a ratio the same way:

- each side is warmed before any timer starts: its imports done and one untimed run
  (in the same process, or in a fresh process that imports and warms first);
- runs are paired and interleaved, the order alternating (A B, B A, A B, ...), so both
  sides of a pair see the same machine load; each pair gives one ratio A / B;
- reported: the median of the paired ratios, their spread (min-max and interquartile
  range), each side's median, and the machine's load average before and after with its
  CPU count. Never the minimum of each side taken separately: those two minima may come
  from different moments of a shared machine.

A child process prints one JSON line (:data:`CHILD`): ``seconds`` (wall), ``cpu`` (user +
system of every thread), ``kernel`` (the system part) and ``peak`` (bytes, the process's
maximum resident set: Linux's ``VmHWM``, since ``ru_maxrss`` of a child starts at its
parent's size when it was forked).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: A child measurement: ``{setup}`` imports, ``{warm}`` runs once untimed, ``{body}`` is
#: timed. ``ARGS`` holds the command-line arguments; ``body`` may set ``result`` (JSON-able).
CHILD = """
import json, resource, sys, time
ARGS = sys.argv[1:]
result = None
{setup}
{warm}
usage0 = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter()
{body}
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime
kernel = usage.ru_stime - usage0.ru_stime
peak = usage.ru_maxrss * 1024
try:
    with open("/proc/self/status") as status:
        peak = next(int(x.split()[1]) * 1024 for x in status if x.startswith("VmHWM:"))
except (OSError, StopIteration):
    pass
print(json.dumps({{"seconds": seconds, "cpu": cpu, "kernel": kernel, "peak": peak,
                  "result": result}}))
"""


@dataclass
class Sample:
    """One timed run."""

    seconds: float
    cpu: float | None = None
    peak: int | None = None  # bytes
    result: Any = None
    kernel: float | None = None  # the system part of ``cpu``
    killed: str | None = None  # why a bounded run was stopped (then the rest is unknown)


def child(setup: str, body: str, warm: str = "", args: Sequence[object] = ()) -> Sample:
    """Run :data:`CHILD` in a fresh interpreter; raise ``SystemExit`` with its stderr on failure."""
    code = CHILD.format(
        setup=textwrap.dedent(setup), warm=textwrap.dedent(warm), body=textwrap.dedent(body)
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{out.stderr}")
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return Sample(data["seconds"], data["cpu"], data["peak"], data["result"], data["kernel"])


def _resident(pid: int) -> int:
    """Bytes resident in process ``pid`` now (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(x.split()[1]) * 1024 for x in status if x.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0


def bounded_child(
    setup: str,
    body: str,
    warm: str = "",
    args: Sequence[object] = (),
    *,
    max_bytes: int,
    timeout: float,
) -> Sample:
    """:func:`child`, killed once its resident memory passes ``max_bytes`` or its wall
    time ``timeout`` (imports and warm-up included): then ``killed`` says which, when."""
    code = CHILD.format(
        setup=textwrap.dedent(setup), warm=textwrap.dedent(warm), body=textwrap.dedent(body)
    )
    start = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        killed = None
        while proc.poll() is None:
            seconds = time.perf_counter() - start
            if seconds > timeout:
                killed = f"over {timeout:.0f} s"
            elif (rss := _resident(proc.pid)) > max_bytes:
                killed = f"over {rss / 2**30:.1f} GiB resident after {seconds:.0f} s"
            if killed:
                proc.kill()
                proc.communicate()
                return Sample(seconds, killed=killed)
            time.sleep(0.05)
        out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{err}")
    data = json.loads(out.strip().splitlines()[-1])
    return Sample(data["seconds"], data["cpu"], data["peak"], data["result"], data["kernel"])


def in_process(fn: Callable[[], Any]) -> Sample:
    """Time ``fn()`` here (wall, and CPU of this process's threads)."""
    cpu0 = time.process_time()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    return Sample(seconds, time.process_time() - cpu0, None, result)


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "load": tuple(round(x, 2) for x in os.getloadavg())}


@dataclass
class Spread:
    median: float
    low: float
    high: float
    q1: float
    q3: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        v = sorted(values)
        q1, q3 = (
            statistics.quantiles(v, n=4, method="inclusive")[::2] if len(v) > 1 else (v[0], v[0])
        )
        return cls(statistics.median(v), v[0], v[-1], q1, q3, len(v))

    def __str__(self) -> str:
        return (
            f"{self.median:.2f} (min-max {self.low:.2f}-{self.high:.2f}, "
            f"IQR {self.q1:.2f}-{self.q3:.2f}, n={self.n})"
        )


@dataclass
class Rounds:
    """Aligned samples of several sides: round ``i`` of every side ran back to back."""

    samples: dict[str, list[Sample]]
    load_before: tuple[float, ...]
    load_after: tuple[float, ...]
    cpus: int | None
    notes: list[str] = field(default_factory=list)

    def side(self, name: str, what: str = "seconds") -> Spread:
        return Spread.of([getattr(s, what) for s in self.samples[name]])

    def ratio(self, a: str, b: str, what: str = "seconds") -> Spread:
        """Median and spread of the per-round ratios ``a / b``."""
        pairs = zip(self.samples[a], self.samples[b], strict=True)
        return Spread.of([getattr(x, what) / getattr(y, what) for x, y in pairs])

    def load(self) -> str:
        def fmt(load: tuple[float, ...]) -> str:
            return "/".join(f"{x:.2f}" for x in load)

        return (
            f"load {fmt(self.load_before)} before, {fmt(self.load_after)} after "
            f"(1/5/15 min), {self.cpus} CPUs"
        )


def rounds(sides: Mapping[str, Callable[[], Sample]], n: int) -> Rounds:
    """Run every side ``n`` times, interleaved; every other round in reverse order.

    Warm-up is the sides' own business (a child imports and warms before its timer; an
    in-process side is called once by :func:`warmed` before its first round).
    """
    names = list(sides)
    out: dict[str, list[Sample]] = {name: [] for name in names}
    before = machine()
    for i in range(n):
        for name in names if i % 2 == 0 else names[::-1]:
            out[name].append(sides[name]())
    after = machine()
    return Rounds(out, before["load"], after["load"], before["cpus"])


def warmed(fn: Callable[[], Any]) -> Callable[[], Sample]:
    """An in-process side: ``fn`` is run once now, untimed, then timed on every call."""
    fn()
    return lambda: in_process(fn)


def mib(sample_bytes: int | None) -> str:
    return "-" if sample_bytes is None else f"{sample_bytes / 2**20:.0f}"
