"""``--sources DIR``: every quote is found verbatim in the local copy of its source.

A source's ``text`` column names a file in DIR: a plain file name (no folder, no ``..``)
that must resolve inside DIR and be a regular UTF-8 file under the size cap
(:mod:`chrono.safeio`); any other name is a finding and is never read. Paragraph N is line
N. Claims are grouped by source file (one read per file); each distinct quote is looked
for at its locator's line first and in the whole text only when it is not there, with
``str.find``: memory stays that of the text and the quotes, whatever the line lengths.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono import safeio
from chrono.validation.report import Report

if TYPE_CHECKING:
    from chrono.validation.table import Loaded

#: A source text's name: one plain file name inside the --sources folder.
_PLAIN_NAME = re.compile(r"[^/\\\x00-\x1f\x7f]+")


class Text:
    """A source text and where each of its lines starts."""

    def __init__(self, whole: str) -> None:
        self.whole = whole
        self.starts = [0, *(m.end() for m in re.finditer("\n", whole))]

    @property
    def lines(self) -> int:
        return len(self.starts)

    def line_span(self, n: int) -> tuple[int, int]:
        """Start and end offsets of line ``n`` (1-based) in the text."""
        start = self.starts[n - 1]
        end = self.starts[n] - 1 if n < len(self.starts) else len(self.whole)
        return start, end

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)


def read_text(directory: Path, name: str) -> Text | str:
    """The text named ``name`` in ``directory``, or why it is not read."""
    if not _PLAIN_NAME.fullmatch(name) or name in (".", ".."):
        return f"{name!r} is not a plain file name in {directory}: not read"
    try:
        return Text(safeio.read_text(directory / name, kind="text", root=directory))
    except safeio.FileMissing:
        return f"{name} is not a readable UTF-8 file in {directory}"
    except safeio.InputError as exc:
        return f"{name} is not a readable UTF-8 file in {directory} ({_short(str(exc), name)})"


def _short(message: str, name: str) -> str:
    """An InputError's reason without the path it starts with."""
    return message.split(": ", 1)[1] if ": " in message else message


def _place(text: Text, quote: str, para: int) -> tuple[int, int]:
    """(status, line): 0 found where the locator says (anywhere without one), 2 found at
    another line (the first one holding it), 1 not found."""
    if not quote:
        return 0, 0
    if 1 <= para <= text.lines:
        start, end = text.line_span(para)
        if text.whole.find(quote, start, end) >= 0:
            return 0, para
    pos = text.whole.find(quote)
    if pos < 0:
        return 1, 0
    return (0 if para == 0 else 2), text.line_of(pos)


def check_quotes(report: Report, loaded: dict[str, Loaded], directory: Path) -> None:
    from chrono.validation.table import _strings, emit

    claims, sources = loaded.get("claims"), loaded.get("sources")
    if claims is None or sources is None:
        return
    if not claims.has("id", "quote", "source_id") or not sources.has("id", "text"):
        return
    text = _strings(sources.data["text"])
    names = [n for n in pc.unique(pc.drop_null(text)).to_pylist() if isinstance(n, str)]
    texts = {n: read_text(directory, n) for n in names}
    unread = {n: t for n, t in texts.items() if isinstance(t, str)}
    reasons = pa.array(list(unread.values()), pa.string())
    why = pc.take(reasons, pc.index_in(text, value_set=pa.array(list(unread), pa.string())))
    emit(
        report,
        "CHR803",
        sources,
        pc.is_valid(why),
        "text",
        lambda r: f"{r['_why']}: quotes citing {r['id']!r} are not checked",
        extra={"_why": why},
    )
    s_idx = pc.index_in(
        _strings(claims.data["source_id"]), value_set=sources.data["id"], skip_nulls=True
    )
    c_text = pc.take(text, s_idx)
    quote = _strings(claims.data["quote"])
    n = claims.rows
    status = np.zeros(n, dtype=np.int8)  # 1 not found, 2 found at another line
    where = np.zeros(n, dtype=np.int64)  # the line the quote is on (status 2)
    locator = (
        _strings(claims.data["locator"]) if claims.has("locator") else pa.nulls(n, pa.string())
    )
    # the paragraph (line) a locator names: 0 without one or for a malformed one (its own
    # rule reports it), -1 for a number no file has (it cannot be cast to int64)
    number = pc.fill_null(pc.match_substring_regex(locator, r"^p[1-9][0-9]{0,17}$"), False)
    huge = pc.fill_null(pc.match_substring_regex(locator, r"^p[1-9][0-9]{18,}$"), False)
    digits = pc.if_else(number, pc.utf8_slice_codeunits(locator, 1), "1")
    para = pc.if_else(number, pc.cast(digits, pa.int64()), 0)
    para = pc.fill_null(pc.if_else(huge, -1, para), 0)
    for name, source in texts.items():
        if isinstance(source, str):
            continue
        sel = pc.fill_null(pc.and_(pc.equal(c_text, name), pc.is_valid(quote)), False)
        rows = np.flatnonzero(np.asarray(sel.to_numpy(zero_copy_only=False), dtype=bool))
        if len(rows) == 0:
            continue
        qs = pc.take(quote, pa.array(rows)).to_pylist()
        ps = pc.take(para, pa.array(rows)).to_pylist()
        placed: dict[tuple[str, int], tuple[int, int]] = {}
        for row, q, p in zip(rows.tolist(), qs, ps, strict=True):
            key = (q, p)
            if key not in placed:
                placed[key] = _place(source, q, p)
            status[row], where[row] = placed[key]
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
