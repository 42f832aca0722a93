r"""``chrono diff --format latex``: the changes between two versions as a booktabs table.

Meant for a paper's appendix ("what changed between the version we cite and the one we
used"): one ``longtable`` (it breaks across pages) with booktabs rules, dataset metadata
first, then each table's added, removed, renamed and changed rows; an added or removed
event shows its date as people read it and its title. Derived columns (bounds and
precision) are left out: the EDTF value they derive from is shown. Every text from the
data is escaped (:func:`chrono.escape.latex`), so any title or quote is printed as
written and cannot inject commands.

The preamble needs ``\usepackage{booktabs}`` and ``\usepackage{longtable}``.
"""

from __future__ import annotations

from typing import Any

from chrono.diffing.metadata import metadata_texts
from chrono.diffing.render import key_text
from chrono.escape import latex as latex_text
from chrono.model.dates import human
from chrono.model.tables import TABLES

ARROW = r"$\rightarrow$"


def _value(v: Any) -> str:
    if v is None:
        return r"\emph{none}"
    if isinstance(v, list):
        return latex_text("; ".join(str(x) for x in v)) or r"\emph{none}"
    if isinstance(v, dict):
        return latex_text(", ".join(f"{k}: {x}" for k, x in v.items()))
    return latex_text(str(v))


def _key(key: dict[str, Any]) -> str:
    return r"\texttt{" + latex_text(key_text(key)) + "}"


def _derived(table: str) -> set[str]:
    spec = TABLES.get(table)
    return {c.name for c in spec.columns if c.derived_from} if spec else set()


def _what(row: dict[str, Any]) -> str:
    parts = []
    if isinstance(row.get("date"), str):
        parts.append(human(row["date"]))
    for col in ("title", "name"):
        if isinstance(row.get(col), str):
            parts.append(row[col])
            break
    return latex_text(": ".join(parts))


def _rows(t: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    derived = _derived(t["name"])
    for s in t["schema_changes"]:
        types = f"{s['old_type'] or ''} {ARROW} {s['new_type'] or ''}".strip()
        rows.append((f"column {s['change']}", latex_text(s["column"]), latex_text(types)))
    for kind in ("added", "removed"):
        rows += [(kind, _key(e["key"]), _what(e["row"])) for e in t[kind]]
    for e in t["renamed"]:
        rows.append(("renamed", f"{_key(e['old_key'])} {ARROW} {_key(e['new_key'])}", ""))
    for e in t["changed"]:
        dates = e.get("date_changes", {})
        first = True
        for col, ch in e["fields"].items():
            if col in derived:
                continue
            note = f" ({dates[col]})" if col in dates else ""
            detail = f"{latex_text(col)}: {_value(ch['old'])} {ARROW} {_value(ch['new'])}{note}"
            rows.append(("changed" if first else "", _key(e["key"]) if first else "", detail))
            first = False
    for kind in ("added", "removed", "renamed", "changed"):
        shown, total = len(t[kind]), t["counts"][kind]
        if total > shown:
            rows.append(("", "", rf"\emph{{and {total - shown} more {kind}}}"))
    return rows


def latex(report: dict[str, Any]) -> str:
    r"""The report as a LaTeX ``longtable`` with booktabs rules.

    >>> import chrono
    >>> old = {"events": chrono.load_arrow("events")}
    >>> new = {"events": old["events"].slice(1)}
    >>> table = latex(chrono.diff(old, new).to_dict())
    >>> table.splitlines()[3]
    '\\caption{Changes from \\texttt{old} to \\texttt{new}.}\\\\'
    >>> [line.split(" & ")[0] for line in table.splitlines() if line.startswith("removed")]
    ['removed']
    """
    old, new = latex_text(report["old"]), latex_text(report["new"])
    head = r"Change & Record & Details \\"
    out = [
        f"% chrono diff --format latex: {old} -> {new}",
        r"% needs \usepackage{booktabs} and \usepackage{longtable}",
        r"\begin{longtable}{@{}llp{0.55\linewidth}@{}}",
        rf"\caption{{Changes from \texttt{{{old}}} to \texttt{{{new}}}.}}\\",
        r"\toprule",
        head,
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        head,
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endfoot",
    ]
    body: list[str] = []
    meta = report.get("metadata", [])
    if meta:
        body.append(r"\multicolumn{3}{@{}l}{\emph{dataset}} \\")
        for m in meta:
            was, now = metadata_texts(m["old"], m["new"])
            old = _value(None) if m["old"] is None else latex_text(was)
            new = _value(None) if m["new"] is None else latex_text(now)
            detail = f"{old} {ARROW} {new}"
            body.append(rf"changed & {latex_text(m['field'])} & {detail} \\")
    for t in report["tables"]:
        rows = _rows(t)
        if rows:
            body.append(rf"\multicolumn{{3}}{{@{{}}l}}{{\emph{{{latex_text(t['name'])}}}}} \\")
            body += [rf"{a} & {b} & {c} \\" for a, b, c in rows]
    if not body:
        body.append(r"\multicolumn{3}{@{}l}{No differences.} \\")
    return "\n".join([*out, *body, r"\end{longtable}"]) + "\n"
