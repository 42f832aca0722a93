"""``--sources DIR``: every quote is found verbatim in the local copy of its source.

A source's ``text`` column names a file in DIR (a plain file name: no folders, nothing
outside DIR). A claim's locator says where in that text the quote stands: a paragraph, a
line or a page (:mod:`chrono.sourcetext` cuts the text the same way). A quote whose locator
cannot be counted in plain text (a section, folio or time) is looked for in the whole text.

Only the claims that have a quote and cite a source with a local text are looked at, one
text at a time; the search is ``str.find``, linear in the text, whatever its line lengths.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.locators import LocatorError
from chrono.model.locators import parse as parse_locator
from chrono.sourcetext import SourceText
from chrono.validation.report import Report

if TYPE_CHECKING:
    from chrono.validation.table import Loaded

#: Largest local source text read (bytes).
MAX_TEXT_BYTES = 64 << 20


def read_text(directory: Path, name: str) -> SourceText | None:
    """The text named ``name`` in ``directory``: a plain file name, a regular UTF-8 file
    inside the folder; None otherwise (the caller reports it)."""
    if (
        not name
        or name != os.path.basename(name)
        or name in (".", "..")
        or "\\" in name
        or "\0" in name
    ):
        return None
    path = directory / name
    try:
        real, root = path.resolve(strict=True), directory.resolve(strict=True)
        if root not in real.parents:
            return None
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(real, flags)
    except (OSError, RuntimeError):
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_TEXT_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_TEXT_BYTES + 1)
        return SourceText(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        os.close(fd)


def _place(text: SourceText, quote: str, locator: str | None) -> tuple[int, str]:
    """(0 found where the locator says, 1 not in the text, 2 elsewhere; where it is)."""
    if not locator:
        return (0, "") if text.find(quote, "text") else (1, "")
    try:
        loc = parse_locator(locator)
    except LocatorError:
        return (0, "")  # CHR106 reports the locator; the quote cannot be placed
    segment = text.segment(loc) if text.countable(loc) else None
    if segment is not None and quote in segment:
        return (0, "")
    where = text.find(quote, loc.kind)
    if where is None:
        return (1, "")
    if not text.countable(loc):
        return (0, "")
    return (2, where)


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
    missing = pa.array([n for n in names if texts[n] is None], pa.string())
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
    locator = (
        _strings(claims.data["locator"]) if claims.has("locator") else pa.nulls(n, pa.string())
    )
    status = np.zeros(n, dtype=np.int8)  # 1 not in the text, 2 found elsewhere
    where: dict[int, str] = {}
    readable = pa.array([k for k, v in texts.items() if v is not None], pa.string())
    rows = pc.indices_nonzero(
        pc.fill_null(pc.and_(pc.is_in(c_text, value_set=readable), pc.is_valid(quote)), False)
    ).to_pylist()
    if rows:
        idx = pa.array(rows, pa.int64())
        for row, name, q, loc in zip(
            rows,
            pc.take(c_text, idx).to_pylist(),
            pc.take(quote, idx).to_pylist(),
            pc.take(locator, idx).to_pylist(),
            strict=True,
        ):
            source_text = texts[name]
            assert source_text is not None
            status[row], where[row] = _place(source_text, q, loc)

    def extra() -> dict[str, pa.Array | pa.ChunkedArray]:
        places = np.full(n, None, dtype=object)
        for row, at in where.items():
            places[row] = at
        return {"_file": c_text, "_where": pa.array(places, pa.string())}

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
                    f"quote {r['quote']!r} is in {r['_file']} at {r['_where']}, "
                    f"not at {r.get('locator')}: fix the locator"
                )
            ),
            extra=extra,
        )
