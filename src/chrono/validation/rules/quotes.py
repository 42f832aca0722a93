"""CHR801-803 (``--sources DIR``): every quote is found verbatim in the local copy of its
source.

A source's ``text`` column names a file in DIR (a plain file name: no folders, nothing
outside DIR). A claim's locator says where in that text the quote stands: a paragraph, a
line or a page (:mod:`chrono.sourcetext` cuts the text the same way). A quote whose locator
cannot be counted in plain text (a section, folio or time) is looked for in the whole text.
Verbatim means the same words and characters (both in Unicode NFC), any run of white space
matching any other: the line breaks of the text's layout are not part of the quote.

Only the claims that have a quote and cite a source with a local text are looked at, a
batch at a time; the search is a regular expression of the quote's words (literal, joined
by ``\\s+``), linear in the text, whatever its line lengths. Without ``--sources``, the
report notes how many quotes were not checked.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono import safeio
from chrono.model.locators import LocatorError
from chrono.model.locators import parse as parse_locator
from chrono.model.tables import Table
from chrono.sourcetext import SourceText
from chrono.validation.batch import Batch
from chrono.validation.findings import emit
from chrono.validation.kernels import mask_count, strings
from chrono.validation.registry import ERROR, WARNING, per_batch, per_table
from chrono.validation.report import Report
from chrono.validation.state import Run


def read_text(directory: Path, name: str) -> SourceText | str:
    """The text named ``name`` in ``directory``, or why it is not read: a plain file name, a
    regular UTF-8 file inside the folder under the ``text`` size cap (:mod:`chrono.safeio`)."""
    if (
        not name
        or name != os.path.basename(name)
        or name in (".", "..")
        or "\\" in name
        or "\0" in name
    ):
        return f"{name!r} is not a plain file name in {directory}: not read"
    try:
        return SourceText(safeio.read_text(directory / name, kind="text", root=directory))
    except safeio.FileMissing:
        return f"{name} is not a readable UTF-8 file in {directory}"
    except safeio.InputError as exc:
        why = str(exc).split(": ", 1)[-1]
        return f"{name} is not a readable UTF-8 file in {directory} ({why})"


def texts(run: Run) -> dict[str, SourceText | str]:
    """Every text the sources name, read once per run (or why it is not read)."""
    if "texts" not in run.shared:
        sources = run.kept.get("sources")
        out: dict[str, SourceText | str] = {}
        if sources is not None and sources.has("text") and run.sources is not None:
            text = strings(sources.data["text"])
            names = [n for n in pc.unique(pc.drop_null(text)).to_pylist() if isinstance(n, str)]
            out = {n: read_text(run.sources, n) for n in names}
        run.shared["texts"] = out
    result: dict[str, SourceText | str] = run.shared["texts"]
    return result


def _place(text: SourceText, quote: str, locator: str | None) -> tuple[int, str]:
    """(0 found where the locator says, 1 not in the text, 2 elsewhere; where it is)."""
    if not locator:
        return (0, "") if text.find(quote, "text") else (1, "")
    try:
        loc = parse_locator(locator)
    except LocatorError:
        return (0, "")  # CHR106 reports the locator; the quote cannot be placed
    if text.countable(loc) and text.contains(quote, loc):
        return (0, "")
    where = text.find(quote, loc.kind)
    if where is None:
        return (1, "")
    if not text.countable(loc):
        return (0, "")
    return (2, where)


def _checkable(t: Batch) -> bool:
    sources = t.parent("sources")
    return (
        t.run is not None
        and t.run.sources is not None
        and sources is not None
        and t.has("id", "quote", "source_id")
        and sources.has("id", "text")
    )


def placed(t: Batch) -> tuple[np.ndarray, dict[int, str], pa.Array]:
    """Per claim of the batch: 0 (quote found where its locator says, or not checked), 1
    (not in its source) or 2 (elsewhere in it); where, for 2; the name of the source's text."""

    def make() -> tuple[np.ndarray, dict[int, str], pa.Array]:
        assert t.run is not None
        sources = t.parent("sources")
        assert sources is not None
        read = texts(t.run)
        text = strings(sources.data["text"]).combine_chunks()
        s_idx = pc.index_in(
            strings(t.data["source_id"]), value_set=strings(sources.data["id"]), skip_nulls=True
        )
        c_text = pc.take(text, s_idx)
        quote = strings(t.data["quote"])
        n = t.rows
        locator = strings(t.data["locator"]) if t.has("locator") else pa.nulls(n, pa.string())
        status = np.zeros(n, dtype=np.int8)
        where: dict[int, str] = {}
        readable = pa.array([k for k, v in read.items() if not isinstance(v, str)], pa.string())
        sel = pc.fill_null(pc.and_(pc.is_in(c_text, value_set=readable), pc.is_valid(quote)), False)
        if isinstance(sel, pa.ChunkedArray):  # a zero-chunk array crashes pyarrow < 26.0.1
            sel = sel.combine_chunks() if sel.num_chunks else pa.array([], pa.bool_())
        rows = pc.indices_nonzero(sel).to_pylist()
        if rows:
            idx = pa.array(rows, pa.int64())
            for row, name, q, loc in zip(
                rows,
                pc.take(c_text, idx).to_pylist(),
                pc.take(quote, idx).to_pylist(),
                pc.take(locator, idx).to_pylist(),
                strict=True,
            ):
                source_text = read[name]
                assert not isinstance(source_text, str)
                status[row], where[row] = _place(source_text, q, loc)
        return status, where, c_text

    out: tuple[np.ndarray, dict[int, str], pa.Array] = t.cached("quotes", make)
    return out


def _emit(t: Batch, out: Report, code: str, value: int) -> None:
    status, where, c_text = placed(t)

    def extra() -> dict[str, pa.Array | pa.ChunkedArray]:
        places = np.full(t.rows, None, dtype=object)
        for row, at in where.items():
            places[row] = at
        return {"_file": c_text, "_where": pa.array(places, pa.string())}

    emit(
        out,
        code,
        t,
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


@per_table(
    "CHR801",
    ERROR,
    "quote not found in its source",
    table="claims",
    keeps={"sources": ("id", "text")},
    refs=("source_id",),
)
class QuoteNotFound:
    """With --sources DIR: a claim's quote must appear verbatim in the local copy of its
    source (the file named by sources.text in that folder), in the paragraph, line or page
    its locator names (paragraphs are separated by blank lines or page breaks, or are the
    lines of a text without them; pages are separated by form feeds, as pdftotext writes
    them). Quotes with other locators are looked for in the whole text. Verbatim: the same
    words and characters in Unicode NFC, any run of white space (a line break inside a
    paragraph too) matching any other, so a quote wrapped by the text's layout is found."""

    def __init__(self, run: Run, spec: Table) -> None:
        self.run = run
        self.unchecked = 0  # without --sources: quotes citing a source with a local text

    def batch(self, t: Batch, out: Report) -> None:
        if self.run.sources is not None:
            if _checkable(t):
                _emit(t, out, "CHR801", 1)
            return
        sources = t.parent("sources")
        if sources is None or not sources.has("id", "text") or not t.has("quote", "source_id"):
            return
        if sources.data["text"].null_count == sources.rows:
            return  # no source names a local text
        idx = t.refs("source_id")
        if idx is None:
            return
        with_text = pc.is_valid(sources.data["text"])
        self.unchecked += mask_count(pc.and_(pc.is_valid(t.data["quote"]), pc.take(with_text, idx)))

    def finish(self, out: Report) -> None:
        if self.unchecked:
            n = self.unchecked
            out.notes.append(
                f"{n} quote{'' if n == 1 else 's'} not checked against "
                "their sources (pass --sources DIR)"
            )


@per_batch(
    "CHR802",
    WARNING,
    "quote found elsewhere in its source",
    table="claims",
    keeps={"sources": ("id", "text")},
    refs=("source_id",),
)
def quote_elsewhere(t: Batch, out: Report) -> None:
    """With --sources DIR: the quote is in the source, but not in the paragraph, line or
    page its locator names. Fix the locator to the place named in the message."""
    if _checkable(t):
        _emit(t, out, "CHR802", 2)


@per_table(
    "CHR803",
    WARNING,
    "local copy of a source missing",
    table="claims",
    keeps={"sources": ("id", "text")},
)
class TextMissing:
    """With --sources DIR: a source names a text file that is not in the directory, so its
    quotes cannot be checked."""

    def __init__(self, run: Run, spec: Table) -> None:
        self.run = run
        self.checked = False

    def batch(self, t: Batch, out: Report) -> None:
        self.checked = self.checked or _checkable(t)

    def finish(self, out: Report) -> None:
        sources = self.run.kept.get("sources")
        if not self.checked or sources is None:
            return
        unread = {n: t for n, t in texts(self.run).items() if isinstance(t, str)}
        reasons = pa.array(list(unread.values()), pa.string())
        text = strings(sources.data["text"])
        why = pc.take(reasons, pc.index_in(text, value_set=pa.array(list(unread), pa.string())))
        emit(
            out,
            "CHR803",
            sources,
            pc.is_valid(why),
            "text",
            lambda r: f"{r['_why']}: quotes citing {r['id']!r} are not checked",
            extra={"_why": why},
        )
