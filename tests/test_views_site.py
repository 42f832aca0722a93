"""The self-contained page: escaping and CSP here, behaviour in a real headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chrono.dataset import Dataset
from chrono.views.data import read_tables
from chrono.views.records import event_records
from chrono.views.site import page_data, render, script_json, write_site
from conftest import ROOT
from views_data import HOSTILE_TITLE, write_ancient

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip
BUNDLED = "russia-china-summits"


@pytest.fixture(scope="module")
def ancient(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ancient(tmp_path_factory.mktemp("views") / "ancient")


def events_of(dataset: str | Path) -> list[dict[str, Any]]:
    return event_records(read_tables(Dataset.open(dataset)))


# --------------------------------------------------------------------------- the file


def test_script_json_cannot_end_its_script_element() -> None:
    value = {"t": "</script><!-- & \u2028\u2029 >"}
    text = script_json(value)
    assert text == '{"t":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029 \\u003e"}'
    assert json.loads(text) == value


def _between(page: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}(?: [^>]*)?>(.*?)</{tag}>", page, flags=re.S)


def test_csp_allows_exactly_the_inline_script_and_style(ancient: Path) -> None:
    meta = {"name": "a", "title": "<T>", "version": None, "license": None}
    page = render(page_data(read_tables(Dataset.open(ancient)), meta))
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    scripts, styles = _between(page, "script"), _between(page, "style")
    assert len(scripts) == 2 and len(styles) == 1  # the data block, the program; one style

    def sha(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert csp.group(1) == (
        f"default-src 'none'; script-src 'sha256-{sha(scripts[1])}'; "
        f"style-src 'sha256-{sha(styles[0])}'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    assert "<title>&lt;T&gt; (a)</title>" in page
    assert json.loads(scripts[0])["events"][0][0] == "century-fair"
    assert HOSTILE_TITLE not in page  # only its escaped JSON form
    # nothing on the page names anything to fetch
    assert re.findall(r'(?:src|href)="([^"]*)"', page) == ["data:,"]


def test_template_markers_in_the_data_stay_text(ancient: Path) -> None:
    meta = {"name": "a", "title": "@@SCRIPT@@", "version": None, "license": None}
    data = page_data(read_tables(Dataset.open(ancient)), meta)
    data["events"][0][1] = "@@DATA@@ @@CSP@@"
    page = render(data)
    scripts = _between(page, "script")
    assert len(scripts) == 2
    assert json.loads(scripts[0])["events"][0][1] == "@@DATA@@ @@CSP@@"


# --------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Page:
    """A page that records every console error, page error and request but its own file."""

    def __init__(self, browser: Any, path: Path, hash_: str = "", width: int = 1280) -> None:
        self.url = path.resolve().as_uri()
        self.problems: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on(
            "request", lambda r: r.url != self.url and self.problems.append(f"request {r.url}")
        )
        self.page.route("**/*", self.guard)
        self.page.goto(self.url + hash_)
        self.page.wait_for_selector("body[data-ready='1']", state="attached")

    def guard(self, route: Any) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    def text(self, selector: str) -> str:
        return str(self.page.inner_text(selector))

    def shows(self, n: int) -> int:
        """Wait until the list shows ``n`` events (typing is debounced); return ``n``."""
        self.page.wait_for_selector(f"#list[data-count='{n}']", state="attached", timeout=10_000)
        return n

    def close(self) -> None:
        self.page.close()
        assert self.problems == []


@pytest.fixture
def bundled_page(browser: Any, tmp_path: Path) -> Iterator[Page]:
    path, _ = write_site(BUNDLED, tmp_path / "site")
    page = Page(browser, path)
    yield page
    page.close()


def test_page_shows_every_event_and_draws_them(bundled_page: Page, tmp_path: Path) -> None:
    p = bundled_page
    n = len(events_of(BUNDLED))
    assert p.text("#count") == f"{n} of {n} events"
    assert p.text("h1") == "Russia–China summit diplomacy"
    assert p.page.get_attribute("#canvas", "data-items") == str(n)
    assert 0 < int(p.page.get_attribute("#canvas", "data-drawn")) <= n  # rows out of view: culled
    rows = p.page.locator(".event-row")
    assert 10 <= rows.count() <= min(n, 60)  # only the rows in view, and a margin
    first = events_of(BUNDLED)
    first.sort(key=lambda e: (e["earliest"], e["title"]))
    assert rows.first.inner_text() == f"{first[0]['when']} {first[0]['title']}"
    p.page.screenshot(path=str(tmp_path / "page.png"))
    assert (tmp_path / "page.png").stat().st_size > 20_000


def test_a_click_shows_every_claim_with_its_source(bundled_page: Page) -> None:
    p = bundled_page
    event = next(e for e in events_of(BUNDLED) if e["id"] == "xi-state-visit-russia-2013")
    p.page.click('.event-row[data-id="xi-state-visit-russia-2013"]')
    assert p.text("#event h2") == event["title"]
    assert p.text("#event .when") == f"{event['when']} (EDTF {event['date']})"
    claims = p.page.locator("#claims > li")
    ordered = sorted(event["claims"], key=lambda c: (c["property"], c["source_id"], c["id"]))
    assert claims.count() == len(ordered) > 0
    sources = {s["id"]: s for s in read_tables(Dataset.open(BUNDLED))["sources"].to_pylist()}
    for k, c in enumerate(ordered):
        li = claims.nth(k)
        assert li.locator("strong").inner_text() == c["property"]
        assert c["stance"] in li.inner_text()
        if c["quote"]:
            assert li.locator("blockquote").inner_text() == f"“{c['quote']}”"
        if c["locator"]:
            assert f"at {c['locator']}" in li.inner_text()
        url = sources[c["source_id"]]["url"]
        if url:
            link = li.locator("a")
            assert link.get_attribute("href") == url
            assert link.get_attribute("rel") == "noopener noreferrer"
    assert p.page.get_attribute('.event-row[data-id="xi-state-visit-russia-2013"]',
                                "aria-selected") == "true"  # fmt: skip


def test_filters_and_search(bundled_page: Page) -> None:
    p, events = bundled_page, events_of(BUNDLED)
    p.page.select_option("#type", "state_visit")
    visits = p.shows(sum(e["type"] == "state_visit" for e in events))
    assert p.text("#count") == f"{visits} of {len(events)} events"
    assert p.page.get_attribute("#canvas", "data-items") == str(visits)
    p.page.select_option("#type", "")
    p.page.select_option("#place", label="Moscow")
    p.shows(sum(e["place_id"] == "moscow" for e in events))
    p.page.select_option("#place", "")
    p.page.select_option("#actor", label="Narendra Modi")
    p.shows(sum(any(x["actor_id"] == "narendra-modi" for x in e["participants"]) for e in events))
    p.page.select_option("#actor", "")
    p.page.fill("#from", "2019")
    p.page.fill("#to", "2019")
    lo, hi = 17897, 18261  # 2019-01-01, 2019-12-31
    p.shows(sum(e["earliest"] <= hi and e["latest"] >= lo for e in events))
    p.page.fill("#to", "soon")
    p.page.wait_for_selector("#to[aria-invalid='true']")
    # an end that cannot be read does not filter: from 2019 on
    p.shows(sum(e["latest"] >= lo for e in events))
    p.page.click("#reset")
    p.page.fill("#search", "SAMARKAND")
    assert p.shows(sum("samarkand" in e["title"].lower() for e in events)) >= 2


def test_zoom_and_pan(bundled_page: Page) -> None:
    p = bundled_page

    def view() -> tuple[float, float]:
        p.page.wait_for_timeout(50)
        a, b = p.page.get_attribute("#canvas", "data-view").split(",")
        return float(a), float(b)

    lo, hi = view()
    drawn = p.page.get_attribute("#canvas", "data-drawn")
    p.page.click("#zoom-in")
    lo2, hi2 = view()
    assert hi2 - lo2 == pytest.approx((hi - lo) / 2, abs=0.2)
    box = p.page.locator("#canvas").bounding_box()
    y = box["y"] + box["height"] / 2
    p.page.mouse.move(box["x"] + 600, y)
    p.page.mouse.down()
    p.page.mouse.move(box["x"] + 400, y, steps=4)
    p.page.mouse.up()
    lo3, hi3 = view()
    assert lo3 > lo2 and hi3 - lo3 == pytest.approx(hi2 - lo2, abs=0.2)
    p.page.mouse.wheel(0, 400)
    lo4, hi4 = view()
    assert hi4 - lo4 > hi3 - lo3
    p.page.click("#fit")
    assert view() == (lo, hi)
    assert p.page.get_attribute("#canvas", "data-drawn") == drawn


def test_hostile_text_stays_text_and_hard_dates_read_right(
    browser: Any, ancient: Path, tmp_path: Path
) -> None:
    path, _ = write_site(ancient, tmp_path / "site")
    p = Page(browser, path, "#hostile-text")
    try:
        assert p.text("#count") == "12 of 12 events"
        assert p.text("#event h2") == HOSTILE_TITLE
        assert p.page.evaluate("document.querySelectorAll('script').length") == 2
        assert p.page.evaluate("document.querySelectorAll('img, b, iframe').length") == 0
        p.page.goto(p.url + "#river-treaty")
        p.page.reload()
        p.page.wait_for_selector("body[data-ready='1']", state="attached")
        assert p.text("#event blockquote >> nth=1") == "“<img src=x onerror=alert(1)>”"
        hrefs = p.page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))")
        assert hrefs == []  # ledger-b's javascript: URL is no link
        p.page.click('.event-row[data-id="ides-of-march"]')
        assert p.text("#event .when") == "15 March 44 BCE (EDTF -0043-03-15)"
        assert (
            p.page.locator("#event a").first.get_attribute("href")
            == "https://example.org/chronicle-a"
        )
        p.page.fill("#from", "60 BCE")
        p.page.fill("#to", "30 CE")
        p.shows(4)  # the unknown start of the customs house may lie in it
        assert p.page.get_attribute("#canvas", "data-items") == "4"
        p.page.screenshot(path=str(tmp_path / "ancient.png"))
    finally:
        p.close()


def test_works_offline_from_a_zip(browser: Any, ancient: Path, tmp_path: Path) -> None:
    write_site(ancient, tmp_path / "site")
    with zipfile.ZipFile(tmp_path / "supplement.zip", "w") as z:
        z.write(tmp_path / "site" / "index.html", "supplement/index.html")
    shutil.rmtree(tmp_path / "site")
    with zipfile.ZipFile(tmp_path / "supplement.zip") as z:
        z.extractall(tmp_path / "unzipped")
    p = Page(browser, tmp_path / "unzipped" / "supplement" / "index.html")
    assert p.text("#count") == "12 of 12 events"
    p.close()


def _synthetic_module() -> Any:
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks" / "synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_list_is_virtualised_and_canvas_culled(browser: Any, tmp_path: Path) -> None:
    data = _synthetic_module().generate(tmp_path / "big", 3000)
    path, count = write_site(data, tmp_path / "site")
    p = Page(browser, path)
    try:
        assert count == 3000 and p.text("#count") == "3000 of 3000 events"
        assert p.page.locator(".event-row").count() < 60
        p.page.eval_on_selector("#list", "l => { l.scrollTop = 28 * 2000; }")
        p.page.wait_for_timeout(100)
        ks = [
            int(k)
            for k in p.page.eval_on_selector_all(".event-row", "rs => rs.map(r => r.dataset.k)")
        ]
        assert min(ks) <= 2000 <= max(ks) and len(ks) < 60
        drawn = int(p.page.get_attribute("#canvas", "data-drawn"))
        for _ in range(4):
            p.page.click("#zoom-in")
        p.page.wait_for_timeout(100)
        assert int(p.page.get_attribute("#canvas", "data-drawn")) < drawn
    finally:
        p.close()
