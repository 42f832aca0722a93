"""A validation report in a notebook: its findings as a DataFrame, and an HTML summary.

Every text from the data (values, messages, keys) is HTML-escaped.

>>> import chrono
>>> report = chrono.validate("russia-china-summits")
>>> list(report.to_pandas().columns[:4])
['code', 'severity', 'title', 'count']
>>> "valid" in report._repr_html_()
True
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING

from chrono.validation.rules import ERROR, WARNING

if TYPE_CHECKING:
    import pandas as pd

    from chrono.validation.report import Report

#: The columns of :func:`findings_frame`, in order.
COLUMNS = (
    "code",
    "severity",
    "title",
    "count",
    "table",
    "key",
    "column",
    "value",
    "message",
    "file",
    "line",
)


def summary(report: Report) -> str:
    """``valid: 0 errors, 0 warnings``, ``invalid: ...`` or ``unreadable``."""
    if report.fatal is not None:
        return "unreadable"
    c = report.counts
    state = "valid" if report.valid else "invalid"

    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"

    return f"{state}: {n(c[ERROR], 'error')}, {n(c[WARNING], 'warning')}"


def findings_frame(report: Report) -> pd.DataFrame:
    """One row per finding the report lists (``max_examples`` per rule; ``count`` is the
    rule's exact total), in report order. ``key`` joins the row's primary key values."""
    import pandas as pd

    rows = [
        {
            "code": r.code,
            "severity": r.severity,
            "title": r.title,
            "count": r.count,
            "table": f.table,
            "key": ", ".join(f.key) if f.key else None,
            "column": f.column,
            "value": f.value,
            "message": f.message,
            "file": f.file,
            "line": f.line,
        }
        for r in report.results.values()
        for f in r.examples
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in ("code", "severity", "title", "table", "key", "column", "message", "file"):
        frame[col] = frame[col].astype("string")
    frame["count"] = frame["count"].astype("Int64")
    frame["line"] = frame["line"].astype("Int64")
    return frame


def html(report: Report) -> str:
    """The report for a notebook: summary, notes, one row per rule, then the examples."""
    colour = "green" if report.valid else "#c00"
    out = [
        '<div class="chrono-validate">',
        f'<p><strong style="color:{colour}">{escape(report.dataset)}</strong> '
        f"<code>{escape(report.path)}</code>: {escape(summary(report))}</p>",
    ]
    if report.fatal is not None:
        out += [f"<p>{escape(report.fatal)}</p>", "</div>"]
        return "\n".join(out)
    out += [f"<p><em>note: {escape(n)}</em></p>" for n in report.notes]
    if not report.results:
        return "\n".join([*out, "<p>No findings.</p>", "</div>"])
    out.append("<table><thead><tr><th>code</th><th>severity</th><th>rule</th>")
    out.append("<th>count</th><th>where</th><th>value</th><th>message</th></tr></thead>")
    for r in report.results.values():
        for i, f in enumerate(r.examples or [None]):
            rule = (r.code, r.severity, r.title, str(r.count)) if i == 0 else ("",) * 4
            where = value = message = ""
            if f is not None:
                where = f.where() + (f".{f.column}" if f.column else "")
                if f.file and f.table is not None:  # a row's place in the curated YAML
                    where += f" ({f.file}{f':{f.line}' if f.line else ''})"
                value = "" if f.value is None else json.dumps(f.value, ensure_ascii=False)
                message = f.message
            cells = (*rule, where, value, message)
            out.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    out += ["</table>", "</div>"]
    return "\n".join(out)
