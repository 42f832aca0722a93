"""Renderings of a diff report: text, markdown, stat, and the one-table text for git."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chrono.diffing.metadata import metadata_texts
from chrono.escape import markdown_code, markdown_text, terminal
from chrono.model.dates import human
from chrono.wording import counted

KINDS = ("added", "removed", "changed", "renamed")

Style = Callable[[str, str], str]  # (text, role) -> text; role: add | remove | change | head


def plain(text: str, role: str) -> str:
    return text


def value(v: Any) -> str:
    """A value, unambiguously: strings quoted, null as null (control characters escaped)."""
    return terminal(json.dumps(v, ensure_ascii=False, default=str))


def bce(v: Any) -> str:
    """`` (44 BCE)``-style reading of a date value before 1 CE (EDTF years are astronomical:
    ``-0043`` is 44 BCE), else nothing: a person should not have to do the arithmetic."""
    if isinstance(v, str) and v.startswith("-"):
        shown = human(v)
        if shown != v:
            return f" ({shown})"
    return ""


def key_text(key: dict[str, Any]) -> str:
    return ", ".join("null" if v is None else terminal(v) for v in key.values())


def _counts_line(counts: dict[str, int]) -> str:
    parts = [f"{counts[k]} {k}" for k in KINDS if counts[k]]
    if counts["schema_changes"]:
        n = counts["schema_changes"]
        parts.insert(0, counted(n, "schema change"))
    return ", ".join(parts)


def _changed_tables(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in report["tables"] if any(t["counts"].values())]


def _schema_line(s: dict[str, Any]) -> tuple[str, str]:
    col, old, new = (terminal(s.get(k)) for k in ("column", "old_type", "new_type"))
    if s["change"] == "added":
        return f"+ column {col} ({new})", "add"
    if s["change"] == "removed":
        return f"- column {col} ({old})", "remove"
    return f"~ column {col}: {old} → {new}", "change"


def _more(shown: int, total: int) -> str | None:
    return f"… and {total - shown} more" if total > shown else None


def text(report: dict[str, Any], style: Style = plain) -> str:
    lines = [
        style(f"--- {terminal(report['old'])}", "remove"),
        style(f"+++ {terminal(report['new'])}", "add"),
    ]
    lines += [f"note: {terminal(n)}" for n in report.get("notes", [])]
    meta = report.get("metadata", [])
    tables = _changed_tables(report)
    if not tables and not meta:
        lines.append("No differences.")
        return "\n".join(lines) + "\n"
    if meta:
        lines.append(style(f"dataset: {counted(len(meta), 'metadata change')}", "head"))
        for m in meta:
            lines.append(
                "  "
                + style(
                    f"~ {terminal(m['field'])}: {value(m['old'])} → {value(m['new'])}", "change"
                )
            )
    for t in tables:
        lines.append(style(f"{t['name']}: {_counts_line(t['counts'])}", "head"))
        for s in t["schema_changes"]:
            line, role = _schema_line(s)
            lines.append("  " + style(line, role))
        for e in t["changed"]:
            head = f"~ {key_text(e['key'])}"
            if "old_key" in e:
                head += f"  (was {key_text(e['old_key'])})"
            lines.append("  " + style(head, "change"))
            dates = e.get("date_changes", {})
            for col, ch in e["fields"].items():
                note = f"  ({dates[col]})" if col in dates else ""
                old, new = ch["old"], ch["new"]
                lines.append(
                    f"      {terminal(col)}: {value(old)}{bce(old)} → {value(new)}{bce(new)}{note}"
                )
        for e in t["renamed"]:
            lines.append(
                "  " + style(f"> {key_text(e['old_key'])} → {key_text(e['new_key'])}", "change")
            )
        for kind, mark, role in (("added", "+", "add"), ("removed", "-", "remove")):
            for e in t[kind]:
                lines.append("  " + style(f"{mark} {key_text(e['key'])}", role))
                for col, v in e["row"].items():
                    if v is not None:
                        lines.append(style(f"      {terminal(col)}: {value(v)}", role))
        for kind in KINDS:
            more = _more(len(t[kind]), t["counts"][kind])
            if more:
                lines.append(f"  {more} {kind}")
    prov = report["provenance"]
    if prov:
        lines.append(style("provenance (claims and sources, by the event they support):", "head"))
        for p in prov:
            lines.append(f"  {terminal(p['event_id'])}: {terminal(_prov_text(p))}")
    return "\n".join(lines) + "\n"


def _prov_text(p: dict[str, Any]) -> str:
    parts = []
    for kind, ids in p["claims"].items():
        parts.append(f"{counted(len(ids), 'claim')} {kind}")
    if p["sources"]:
        parts.append(f"source changed: {', '.join(p['sources'])}")
    what = "provenance only" if p["provenance_only"] else f"event {p['event_change']}"
    return f"{'; '.join(parts)} ({what})"


def stat(report: dict[str, Any]) -> str:
    header = ("table", "added", "removed", "changed", "renamed", "schema")
    rows = [
        (
            t["name"],
            *(str(t["counts"][k]) for k in KINDS),
            str(t["counts"]["schema_changes"]),
        )
        for t in report["tables"]
    ]
    totals = ("total", *(str(sum(int(r[i]) for r in rows)) for i in range(1, 6)))
    table = [header, *rows, totals]
    width = max(len(r[0]) for r in table)
    meta = report.get("metadata", [])
    head = f"metadata changed: {', '.join(m['field'] for m in meta)}\n" if meta else ""
    return head + "".join(
        f"{r[0]:<{width}}" + "".join(f"  {c:>7}" for c in r[1:]) + "\n" for r in table
    )


def _cell(v: Any, table: bool = True) -> str:
    """A value as an inert code span (in a table cell by default)."""
    text = json.dumps(v, ensure_ascii=False, default=str) if not isinstance(v, str) else v
    return markdown_code(text, table=table)


def _md_text(text: str) -> str:
    """Text from the data inside a markdown table cell or line: no markup, one line."""
    return markdown_text(text)


def _what(row: dict[str, Any]) -> str:
    """An added or removed row for people: `` (its date): its title``, when it has them."""
    date = f" ({_md_text(human(row['date']))})" if isinstance(row.get("date"), str) else ""
    name = next((row[c] for c in ("title", "name") if isinstance(row.get(c), str)), None)
    return date + (f": {_md_text(name)}" if name else "")


def markdown(report: dict[str, Any]) -> str:
    out = [
        "### chrono diff",
        "",
        f"{_cell(report['old'], False)} → {_cell(report['new'], False)}",
        "",
    ]
    out += [f"> note: {_md_text(n)}\n" for n in report.get("notes", [])]
    meta = report.get("metadata", [])
    tables = _changed_tables(report)
    if not tables and not meta:
        out.append("No differences.")
        return "\n".join(out) + "\n"
    if meta:
        out += ["Dataset metadata:", "", "| field | old | new |", "|---|---|---|"]
        for m in meta:
            old, new = metadata_texts(m["old"], m["new"])
            out.append(f"| {_md_text(m['field'])} | {_md_text(old)} | {_md_text(new)} |")
        out.append("")
    if not tables:
        return "\n".join(out).rstrip("\n") + "\n"
    out += [
        "| table | added | removed | changed | renamed | schema changes |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for t in tables:
        c = t["counts"]
        out.append(
            f"| {t['name']} | {c['added']} | {c['removed']} | {c['changed']} | "
            f"{c['renamed']} | {c['schema_changes']} |"
        )
    for t in tables:
        out += ["", f"#### {t['name']}"]
        if t["schema_changes"]:
            out += ["", "Schema:", ""]
            out += [f"- {markdown_text(_schema_line(s)[0])}" for s in t["schema_changes"]]
        if t["changed"]:
            out += ["", f"Changed ({t['counts']['changed']}):", ""]
            out += ["| key | column | old | new |", "|---|---|---|---|"]
            for e in t["changed"]:
                key = key_text(e["key"])
                if "old_key" in e:
                    key += f" (was {key_text(e['old_key'])})"
                dates = e.get("date_changes", {})
                for col, ch in e["fields"].items():
                    note = f" ({dates[col]})" if col in dates else ""
                    out.append(
                        f"| {_cell(key)} | {_md_text(col)} | {_cell(ch['old'])}{bce(ch['old'])} "
                        f"| {_cell(ch['new'])}{bce(ch['new'])}{note} |"
                    )
        if t["renamed"]:
            out += ["", f"Renamed ({t['counts']['renamed']}):", ""]
            out += [
                f"- {_cell(key_text(e['old_key']), False)} → {_cell(key_text(e['new_key']), False)}"
                for e in t["renamed"]
            ]
        for kind in ("added", "removed"):
            if t[kind]:
                out += ["", f"{kind.capitalize()} ({t['counts'][kind]}):", ""]
                out += [f"- {_cell(key_text(e['key']), False)}{_what(e['row'])}" for e in t[kind]]
        for kind in KINDS:
            more = _more(len(t[kind]), t["counts"][kind])
            if more:
                out += ["", f"_{more} {kind} (not listed)_"]
    if report["provenance"]:
        out += ["", "#### Provenance by event", ""]
        out += ["| event | claims and sources | event row |", "|---|---|---|"]
        for p in report["provenance"]:
            row = "unchanged (provenance only)" if p["provenance_only"] else p["event_change"]
            prov = _md_text(_prov_text(p).rsplit(" (", 1)[0])
            out.append(f"| {_cell(p['event_id'])} | {prov} | {row} |")
    return "\n".join(out) + "\n"


def table_text(name: str, keys: list[str], rows: list[dict[str, Any]]) -> str:
    """One line per row, sorted by key: a stable text form of a table for ``git diff``."""
    lines = []
    for r in rows:
        key = key_text({k: r.get(k) for k in keys})
        fields = " ".join(f"{terminal(c)}={value(v)}" for c, v in r.items() if c not in keys)
        lines.append(f"{terminal(name)}[{key}] {fields}".rstrip())
    return "\n".join(lines) + ("\n" if lines else "")
