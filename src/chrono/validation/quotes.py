"""``--sources DIR``: every quote is found verbatim in the local copy of its source.

A source's ``text`` column names a file in DIR; paragraph N is line N. Claims are grouped
by source file (one pass per file, not per claim); within a file, the containment tests
are elementwise numpy string operations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.validation.report import Report

if TYPE_CHECKING:
    from chrono.validation.table import Loaded


def _read_lines(path: Path) -> list[str] | None:
    try:
        return path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None


def check_quotes(report: Report, loaded: dict[str, Loaded], directory: Path) -> None:
    from chrono.validation.table import _strings, emit

    claims, sources = loaded.get("claims"), loaded.get("sources")
    if claims is None or sources is None:
        return
    if not claims.has("id", "quote", "source_id") or not sources.has("id", "text"):
        return
    # sources whose local copy is missing
    text = _strings(sources.data["text"])
    names = [n for n in pc.unique(pc.drop_null(text)).to_pylist() if isinstance(n, str)]
    lines_of = {n: _read_lines(directory / n) for n in names if not Path(n).is_absolute()}
    missing = pa.array([n for n in names if lines_of.get(n) is None], pa.string())
    emit(
        report,
        "CHR803",
        sources,
        pc.is_in(text, value_set=missing),
        "text",
        lambda r: (
            f"{r['text']} is not a readable UTF-8 file in {directory}: quotes citing "
            f"{r['id']!r} are not checked"
        ),
    )
    s_idx = pc.index_in(_strings(claims.data["source_id"]), value_set=sources.data["id"])
    c_text = pc.take(text, s_idx)
    quote = _strings(claims.data["quote"])
    n = claims.rows
    status = np.zeros(n, dtype=np.int8)  # 1 not found, 2 found at another line
    where = np.zeros(n, dtype=np.int64)  # the line the quote is on (status 2)
    locator = (
        _strings(claims.data["locator"]) if claims.has("locator") else pa.nulls(n, pa.string())
    )
    # the paragraph (line) a locator names: null without one or for a malformed one (its
    # own rule reports it), -1 for a number no file has (it cannot be cast to int64)
    number = pc.fill_null(pc.match_substring_regex(locator, r"^p[1-9][0-9]{0,17}$"), False)
    huge = pc.fill_null(pc.match_substring_regex(locator, r"^p[1-9][0-9]{18,}$"), False)
    digits = pc.if_else(number, pc.utf8_slice_codeunits(locator, 1), "1")
    para = pc.if_else(number, pc.cast(digits, pa.int64()), None)
    para = pc.if_else(huge, -1, para)
    for name, lines in lines_of.items():
        if lines is None:
            continue
        sel = pc.fill_null(pc.and_(pc.equal(c_text, name), pc.is_valid(quote)), False)
        rows = pc.indices_nonzero(sel).to_numpy()
        if len(rows) == 0:
            continue
        q = np.array(pc.take(quote, rows).to_pylist(), dtype=str)
        p = pc.take(para, rows).to_numpy(zero_copy_only=False)
        p = np.where(np.isnan(p.astype(float)), 0, p).astype(np.int64)
        line_arr = np.array([*lines, ""], dtype=str)  # index len(lines): the empty line
        at = np.where((p >= 1) & (p <= len(lines)), p - 1, len(lines))
        at_line = np.char.find(line_arr[at], q) >= 0
        whole = "\n".join(lines)
        pos = np.char.find(np.full(len(q), whole, dtype=object).astype(str), q)
        starts = np.cumsum([0] + [len(s) + 1 for s in lines[:-1]])
        found_line = np.searchsorted(starts, pos, side="right")  # 1-based line of pos
        no_loc = p == 0
        ok = np.where(no_loc, pos >= 0, at_line)
        status[rows] = np.where(ok, 0, np.where(pos >= 0, 2, 1))
        where[rows] = found_line
    for code, value in (("CHR801", 1), ("CHR802", 2)):
        emit(
            report,
            code,
            claims,
            pa.array(status == value),
            "quote",
            (
                lambda r: (
                    f"quote {r['quote']!r} is not in {r['_file']}"
                    + (f" at {r['locator']}" if r.get("locator") else "")
                )
            )
            if value == 1
            else (
                lambda r: (
                    f"quote {r['quote']!r} is in {r['_file']} at p{r['_line']}, "
                    f"not at {r.get('locator')}: fix the locator"
                )
            ),
            extra={"_file": c_text, "_line": pa.array(where)},
        )
