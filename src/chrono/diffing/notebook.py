"""A diff in a notebook: its changes as a DataFrame, and an HTML summary.

Both work from the report (:meth:`DatasetDiff.to_dict`), so they show what the JSON shows.
Every text from the data is HTML-escaped.

>>> import chrono
>>> old = {"events": chrono.load_arrow("events")}
>>> d = chrono.diff(old, {"events": old["events"].slice(1)})
>>> d.to_pandas()[["table", "change"]].values.tolist()
[['events', 'removed']]
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from chrono.diffing.metadata import metadata_texts
from chrono.diffing.render import KINDS, key_text, value

if TYPE_CHECKING:
    import pandas as pd

#: The columns of :func:`changes_frame`, in order.
COLUMNS = ("table", "change", "key", "old_key", "column", "old", "new", "date_change")


def change_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One dict per change, in report order (metadata, then each table)."""
    rows: list[dict[str, Any]] = []

    def add(**fields: Any) -> None:
        rows.append({c: fields.get(c) for c in COLUMNS})

    for m in report.get("metadata", []):
        add(table="dataset", change="metadata", column=m["field"], old=m["old"], new=m["new"])
    for t in report["tables"]:
        name = t["name"]
        for s in t["schema_changes"]:
            add(table=name, change=f"column {s['change']}", column=s["column"])
            rows[-1].update(old=s["old_type"], new=s["new_type"])
        for kind in ("added", "removed"):
            for e in t[kind]:
                add(table=name, change=kind, key=key_text(e["key"]))
        for e in t["renamed"]:
            add(
                table=name,
                change="renamed",
                key=key_text(e["new_key"]),
                old_key=key_text(e["old_key"]),
            )
        for e in t["changed"]:
            old_key = key_text(e["old_key"]) if "old_key" in e else None
            dates = e.get("date_changes", {})
            for col, ch in e["fields"].items():
                add(
                    table=name,
                    change="changed",
                    key=key_text(e["key"]),
                    old_key=old_key,
                    column=col,
                    old=ch["old"],
                    new=ch["new"],
                    date_change=dates.get(col),
                )
    return rows


def changes_frame(report: dict[str, Any]) -> pd.DataFrame:
    """The changes as a DataFrame: one row per metadata property, schema change, added,
    removed or renamed row, and changed field (``old``/``new`` hold JSON values, as Python
    objects whatever they are: a latitude set to null stays ``None`` beside a float, not NaN,
    and the columns' dtype does not depend on which changes a diff holds)."""
    import pandas as pd

    frame = pd.DataFrame(change_rows(report), columns=list(COLUMNS), dtype=object)
    for col in ("table", "change", "key", "old_key", "column", "date_change"):
        frame[col] = frame[col].astype("string")
    return frame


def _shown(v: Any) -> str:
    """A value in a table cell: text as is, anything else (null, numbers) as JSON."""
    return v if isinstance(v, str) else value(v)


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def html(report: dict[str, Any]) -> str:
    """A summary for a notebook: labels, notes, metadata, counts, and the listed changes."""
    out = [
        '<div class="chrono-diff">',
        f"<p><strong>chrono diff</strong> {_code(report['old'])} → {_code(report['new'])}</p>",
    ]
    out += [f"<p><em>note: {escape(n)}</em></p>" for n in report.get("notes", [])]
    meta = report.get("metadata", [])
    tables = [t for t in report["tables"] if any(t["counts"].values())]
    if not meta and not tables:
        return "\n".join([*out, "<p>No differences.</p>", "</div>"])
    if meta:
        out.append("<table><thead><tr><th>dataset</th><th>old</th><th>new</th></tr></thead>")
        for m in meta:
            old, new = metadata_texts(m["old"], m["new"])
            out.append(
                f"<tr><td>{escape(m['field'])}</td><td>{escape(old)}</td>"
                f"<td>{escape(new)}</td></tr>"
            )
        out.append("</table>")
    if tables:
        head = "".join(f"<th>{k}</th>" for k in (*KINDS, "schema changes"))
        out.append(f"<table><thead><tr><th>table</th>{head}</tr></thead>")
        for t in tables:
            c = t["counts"]
            cells = "".join(f"<td>{c[k]}</td>" for k in (*KINDS, "schema_changes"))
            out.append(f"<tr><td>{escape(t['name'])}</td>{cells}</tr>")
        out.append("</table>")
    rows = [r for r in change_rows(report) if r["change"] != "metadata"]
    if rows:
        out.append("<details><summary>changes listed</summary><table>")
        out.append("<thead><tr><th>table</th><th>change</th><th>key</th><th>column</th>")
        out.append("<th>old</th><th>new</th></tr></thead>")
        for r in rows:
            key = r["key"] or ""
            if r["old_key"]:
                key = f"{r['old_key']} → {key}"
            olds = "" if r["change"] != "changed" else _shown(r["old"])
            news = "" if r["change"] != "changed" else _shown(r["new"])
            if r["change"].startswith("column"):
                olds, news = r["old"] or "", r["new"] or ""
            shown = (r["table"], r["change"], key, r["column"] or "", olds, news)
            out.append("<tr>" + "".join(f"<td>{escape(str(x))}</td>" for x in shown) + "</tr>")
        out.append("</table>")
        for t in tables:  # what the limit left out, said as the markdown says it
            for kind in KINDS:
                left = t["counts"][kind] - len(t.get(kind, []))
                if left > 0:
                    name = escape(t["name"])
                    out.append(f"<p><em>… and {left} more {kind} in {name} (not listed)</em></p>")
        out.append("</details>")
    return "\n".join([*out, "</div>"])
