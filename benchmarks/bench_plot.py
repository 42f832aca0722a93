"""chrono's timeline figure of N events against matplotlib drawing N bare rectangles.

    python benchmarks/bench_plot.py [--events 10000] [--rounds 5]

The events (benchmarks/synthetic.py) are read into memory and matplotlib is imported
before any timer. Then, interleaved, each round times:

- A: ``chrono.views.timeline.figure_for(events)`` and saving it as PNG to memory: lanes
  by type, packing into rows, every event at its precision (labels are off above 500
  events, as in ``chrono plot``);
- B: a new matplotlib ``Figure`` with ``ax.barh`` of N rectangles at the same positions
  (N ``Rectangle`` patches, the usual way), saved as PNG to memory;
- C: the same N rectangles as one ``PolyCollection`` (the fastest bare way), saved alike.

Printed: the medians of the paired ratios A/B and A/C, their spread and the load average.
Target at 10,000 events: < 10x.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import pyarrow as pa  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from paired import paired, report  # noqa: E402
from synthetic import generate  # noqa: E402

from chrono.dataset import Dataset  # noqa: E402
from chrono.views import timeline  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="chrono-bench-plot-"))
    try:
        events = Dataset.open(generate(work / "data", args.events)).read_table("events")
        lo = events["earliest"].cast(pa.int32()).to_numpy()
        hi = events["latest"].cast(pa.int32()).to_numpy() + 1
        size = (10.0, 8.0)

        def chrono_plot() -> None:
            fig, _ = timeline.figure_for(events)
            fig.savefig(io.BytesIO(), format="png")

        def bare() -> None:
            fig = Figure(figsize=size, dpi=100)
            ax = fig.add_axes((0.1, 0.1, 0.85, 0.85))
            ax.barh(range(len(lo)), hi - lo, left=lo, height=0.6)
            fig.savefig(io.BytesIO(), format="png")

        def collection() -> None:
            from matplotlib.collections import PolyCollection

            fig = Figure(figsize=size, dpi=100)
            ax = fig.add_axes((0.1, 0.1, 0.85, 0.85))
            verts = [[(a, y), (b, y), (b, y + 0.6), (a, y + 0.6)]
                     for y, (a, b) in enumerate(zip(lo, hi, strict=True))]  # fmt: skip
            ax.add_collection(PolyCollection(verts))
            ax.autoscale_view()
            fig.savefig(io.BytesIO(), format="png")

        print(f"{args.events} events")
        result = paired(chrono_plot, bare, args.rounds)
        print(report("chrono plot vs barh rectangles", result, "< 10x"))
        result = paired(chrono_plot, collection, args.rounds)
        print(report("chrono plot vs one PolyCollection", result, "< 10x"))
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
