"""The page's first render with N events in headless Chromium (recorded in docs/views.md).

    python benchmarks/bench_site.py [--events 10000] [--rounds 5] [--chromium /usr/bin/chromium]

A synthetic dataset (benchmarks/synthetic.py) is written as a page with ``write_site``
(timed once: reading, building the data, writing the HTML). Then the page is opened
``rounds`` times in a fresh headless Chromium page; each time two numbers are read when
the page says it is ready (after its first frame with the timeline drawn):
``renderMs``, from the start of the page's script to that frame (parsing the embedded
JSON, filters, lanes, packing, the list and the canvas), and ``performance.now()``, from
navigation start (reading and parsing the HTML file too); then the time of a canvas redraw
after zooming in, and of applying a type filter. Printed: medians, spread, the page's size
and the load average. Target: the page stays responsive at 10,000 events.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import generate  # noqa: E402

from chrono.views.site import write_site  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="chrono-bench-site-"))
    try:
        data = generate(work / "data", args.events)
        t0 = time.perf_counter()
        page_path, _ = write_site(data, work / "site")
        built = time.perf_counter() - t0
        load = os.getloadavg()
        render, ready, zoom, refilter = [], [], [], []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=ARGS)
            for _ in range(args.rounds):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(page_path.resolve().as_uri())
                page.wait_for_selector("body[data-ready='1']", state="attached", timeout=120_000)
                render.append(float(page.get_attribute("body", "data-render-ms") or "nan"))
                ready.append(float(page.evaluate("performance.now()")))
                for _ in range(3):  # a redraw after zooming in (culling keeps it short)
                    page.click("#zoom-in")
                    page.wait_for_timeout(50)
                    zoom.append(float(page.get_attribute("#canvas", "data-draw-ms") or "nan"))
                page.select_option("#type", index=1)  # a filter: list, lanes, packing
                page.wait_for_timeout(50)
                refilter.append(float(page.get_attribute("body", "data-update-ms") or "nan"))
                page.close()
            browser.close()
        mb = page_path.stat().st_size / 1e6
        print(f"{args.events} events: page {mb:.1f} MB, written in {built:.2f} s")

        def spread(xs: list[float]) -> str:
            return f"median {statistics.median(xs):.0f} ms (min {min(xs):.0f}, max {max(xs):.0f})"

        loads = ", ".join(f"{x:.2f}" for x in load)
        after = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"first render (script start to first frame): {spread(render)}; from navigation "
            f"start to ready: {spread(ready)}; {args.rounds} rounds; load {loads} -> {after}"
        )
        print(f"redraw after a zoom: {spread(zoom)}; a type filter applied: {spread(refilter)}")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
