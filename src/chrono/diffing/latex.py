r"""``chrono diff --format latex``: the changes between two versions as a booktabs table.

Meant for a paper's appendix ("what changed between the version we cite and the one we
used"): one ``longtable`` (it breaks across pages) with booktabs rules, dataset metadata
first, then each table's added, removed, renamed and changed rows; an added or removed
event shows its date as people read it and its title. Derived columns (bounds and
precision) are left out: the EDTF value they derive from is shown. Every text from the
data is escaped, so any title or quote is printed as written and cannot inject commands.

The preamble needs ``\usepackage{booktabs}`` and ``\usepackage{longtable}``.

>>> latex_escape("50% of #1 & {x} ~ $y_2$ \\ ^")
'50\\% of \\#1 \\& \\{x\\} \\textasciitilde{} \\$y\\_2\\$ \\textbackslash{} \\textasciicircum{}'
"""

from __future__ import annotations

from typing import Any

from chrono.diffing.render import key_text
from chrono.model.dates import human
from chrono.model.tables import TABLES

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
ARROW = r"$\rightarrow$"


def latex_escape(text: str) -> str:
    """Text as LaTeX prints it literally: special characters escaped, one line."""
    out = []
    for ch in text:
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ch in "\n\r\t":
            out.append(" ")
        elif ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0:
            continue  # control characters print nothing useful
        else:
            out.append(ch)
    return "".join(out)


def _value(v: Any) -> str:
    if v is None:
        return r"\emph{none}"
    if isinstance(v, list):
        return latex_escape("; ".join(str(x) for x in v)) or r"\emph{none}"
    if isinstance(v, dict):
        return latex_escape(", ".join(f"{k}: {x}" for k, x in v.items()))
    return latex_escape(str(v))


def _key(key: dict[str, Any]) -> str:
    return r"\texttt{" + latex_escape(key_text(key)) + "}"


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
    return latex_escape(": ".join(parts))


def _rows(t: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    derived = _derived(t["name"])
    for s in t["schema_changes"]:
        types = f"{s['old_type'] or ''} {ARROW} {s['new_type'] or ''}".strip()
        rows.append((f"column {s['change']}", latex_escape(s["column"]), latex_escape(types)))
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
            detail = f"{latex_escape(col)}: {_value(ch['old'])} {ARROW} {_value(ch['new'])}{note}"
            rows.append(("changed" if first else "", _key(e["key"]) if first else "", detail))
            first = False
    for kind in ("added", "removed", "renamed", "changed"):
        shown, total = len(t[kind]), t["counts"][kind]
        if total > shown:
            rows.append(("", "", rf"\emph{{and {total - shown} more {kind}}}"))
    return rows


def latex(report: dict[str, Any]) -> str:
    """The report as a LaTeX ``longtable`` with booktabs rules."""
    old, new = latex_escape(report["old"]), latex_escape(report["new"])
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
            detail = f"{_value(m['old'])} {ARROW} {_value(m['new'])}"
            body.append(rf"changed & {latex_escape(m['field'])} & {detail} \\")
    for t in report["tables"]:
        rows = _rows(t)
        if rows:
            body.append(rf"\multicolumn{{3}}{{@{{}}l}}{{\emph{{{latex_escape(t['name'])}}}}} \\")
            body += [rf"{a} & {b} & {c} \\" for a, b, c in rows]
    if not body:
        body.append(r"\multicolumn{3}{@{}l}{No differences.} \\")
    return "\n".join([*out, *body, r"\end{longtable}"]) + "\n"
