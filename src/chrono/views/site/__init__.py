"""A self-contained web page of a dataset: one HTML file, no request to any network.

The page (``page.html``, ``page.css``, ``timeline.js``, ``page.js`` beside this module)
gets its CSS and JavaScript inline and the data embedded as JSON in a
``<script type="application/json">`` block, escaped so that no text from the data can end
the block (``<``, ``>``, ``&``, U+2028 and U+2029 as ``\\uXXXX``). A Content-Security-Policy
allows nothing but that one script and that one style (by their sha256) and ``data:``
images, so the page cannot load or send anything. The script inserts every text from the
data with ``textContent``, and links only http(s) source URLs (``rel="noopener
noreferrer"``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chrono._version import __version__
from chrono.safeio import check_folder, output_files
from chrono.views.data import drawn_bounds
from chrono.views.records import Record, event_records, rows

if TYPE_CHECKING:
    import pyarrow as pa

    from chrono.dataset import Dataset

PAGE = "index.html"
# event flags (bits): the qualifiers and which ends are open or unknown
UNCERTAIN, APPROXIMATE, OPEN_START, UNKNOWN_START, OPEN_END, UNKNOWN_END = (1, 2, 4, 8, 16, 32)
#: a claim as the page gets it ("" = the source's index)
CLAIM_FIELDS = ("property", "value", "", "locator", "quote", "stance", "mode", "certainty", "note",
                "calendar")  # fmt: skip
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
            "\u2029": "\\u2029"}  # fmt: skip


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: it cannot close the
    element, open a comment, or break a JavaScript string (U+2028/U+2029)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def _http(url: str | None) -> str | None:
    return url if url and url.lower().startswith(("http://", "https://")) else None


def page_data(tables: dict[str, pa.Table], meta: dict[str, Any]) -> dict[str, Any]:
    """What the page shows, compact: events as arrays, text by index (see page.js)."""
    actors = rows(tables["actors"])
    places = rows(tables["places"])
    sources = rows(tables["sources"])
    actor_ix = {a["id"]: i for i, a in enumerate(actors)}
    place_ix = {p["id"]: i for i, p in enumerate(places)}
    source_ix = {s["id"]: i for i, s in enumerate(sources)}
    records = event_records(tables)
    event_ix = {e["id"]: i for i, e in enumerate(records)}
    types = sorted({e["type"] for e in records})
    type_ix = {t: i for i, t in enumerate(types)}
    events = []
    for e in records:
        flags = (UNCERTAIN if e["uncertain"] else 0) | (APPROXIMATE if e["approximate"] else 0)
        flags |= {"open": OPEN_START, "unknown": UNKNOWN_START}.get(e["start"] or "", 0)
        flags |= {"open": OPEN_END, "unknown": UNKNOWN_END}.get(e["end"] or "", 0)
        ordered = sorted(e["claims"], key=lambda c: (c["property"], c["source_id"], c["id"]))
        claims = [[c[k] if k else source_ix.get(c["source_id"], -1) for k in CLAIM_FIELDS]
                  for c in ordered]  # fmt: skip
        events.append(
            [
                e["id"],
                e["title"],
                e["summary"],
                type_ix[e["type"]],
                e["status"],
                e["date"],
                e["when"],
                None if e["start"] else e["earliest"],
                None if e["end"] else e["latest"],
                e["precision"],
                flags,
                place_ix.get(e["place_id"], -1),
                event_ix.get(e["parent_id"], -1),
                [[actor_ix.get(p["actor_id"], -1), p["role"]] for p in e["participants"]],
                claims,
                list(drawn_bounds(e["date"], e["earliest"], e["latest"], e["start"], e["end"])),
            ]
        )
    return {
        "meta": {**meta, "generator": f"chrono-data {__version__}"},
        "types": types,
        "actors": [[a["id"], a["name"]] for a in actors],
        "places": [[p["id"], p["name"], p["country"]] for p in places],
        "sources": [_source(s) for s in sources],
        "events": events,
    }


def _source(s: Record) -> list[Any]:
    from chrono.model.dates import human

    published = human(s["published"]) if s["published"] else None
    return [s["id"], s["kind"], s["title"], s["publisher"], published, _http(s["url"])]


def _asset(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def render(data: dict[str, Any]) -> str:
    """The whole page as text: template, inline style and script, data, and the CSP."""
    import html

    style = _asset("page.css")
    script = _asset("timeline.js") + _asset("page.js")
    csp = (
        f"default-src 'none'; script-src '{_sha256(script)}'; "
        f"style-src '{_sha256(style)}'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    meta = data["meta"]
    title = f"{meta['title']} ({meta['name']} {meta['version'] or ''})".replace(" )", ")")
    values = {
        "CSP": html.escape(csp, quote=False),  # in a double-quoted attribute; holds no "
        "TITLE": html.escape(title),
        "STYLE": style,
        "DATA": script_json(data),
        "SCRIPT": script,
    }
    # one pass: a value is never scanned again, whatever text the data holds
    return re.sub(r"@@([A-Z]+)@@", lambda m: values[m.group(1)], _asset("page.html"))


def write_site(
    dataset: str | Path | Dataset, directory: str | Path, *, force: bool = False
) -> tuple[Path, int]:
    """Write ``directory/index.html`` (the directory is created if missing; its parent
    must exist). Returns the page's path and its number of events.

    >>> import chrono, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "site"
    >>> page, events = chrono.write_site("russia-china-summits", folder)
    >>> page.name, events > 0
    ('index.html', True)"""
    from chrono.dataset import opened
    from chrono.views.data import check_output, read_tables
    from chrono.views.export.common import metadata

    target = Path(directory) / PAGE
    check_folder(directory, [PAGE], force=force)
    with opened(dataset) as ds:
        check_output(ds, directory, folder=True)
        tables = read_tables(ds)
    text = render(page_data(tables, metadata(ds)))
    with output_files(directory, [PAGE], force=force) as files:
        files[PAGE].write(text.encode("utf-8"))
    return target, tables["events"].num_rows
