"""Writing an export a batch of rows at a time: peak memory is the Arrow tables and one
batch's Python objects, not every row's.

A JSON document whose lists hold the rows (records, ``@graph``, features, slides) is
written as ``json.dump(doc, indent=1)`` would write it, byte for byte: the document is
dumped with a :class:`Streamed` list standing for each such list, and each list's items
are dumped one by one where it stands, indented by their depth (a JSON text has no raw
line break inside a string, so an item's lines are re-indented as lines).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import pyarrow as pa

#: Rows turned into Python objects at a time.
BATCH_ROWS = 10_000


def slices(table: pa.Table, size: int | None = None) -> Iterator[pa.Table]:
    """``table`` in consecutive slices of ``size`` rows (:data:`BATCH_ROWS`), zero-copy."""
    size = size or BATCH_ROWS
    for start in range(0, table.num_rows, size):
        yield table.slice(start, size)


def batched(items: Iterable[Any], size: int | None = None) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (:data:`BATCH_ROWS`)."""
    size = size or BATCH_ROWS
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextlib.contextmanager
def text_file(out: io.BufferedWriter) -> Iterator[TextIO]:
    """UTF-8 text with ``\\n`` line ends over a binary output file, flushed and detached
    at the end (the output file stays open for :mod:`chrono.safeio` to place)."""
    fh = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    try:
        yield fh
        fh.flush()
    finally:
        fh.detach()


class Streamed:
    """A list of a JSON document written item by item: ``batches`` yields lists of items;
    ``written`` counts them once they are. ``flat``: every item is a dict of numbers,
    texts, booleans and nulls (a table's record), dumped by the json module's C encoder
    (twice as fast as its indenting one, which is Python), the same text."""

    def __init__(self, batches: Iterable[Iterable[Any]], *, flat: bool = False) -> None:
        self.batches = batches
        self.flat = flat
        self.written = 0


def _indented(depth: int, flat: bool) -> Callable[[Any], str]:
    """How an item of a list whose line is indented by ``depth`` is dumped."""
    pad = "\n" + " " * (depth + 1)
    if flat:
        inner = ",\n" + " " * (depth + 2)
        one_line = json.JSONEncoder(ensure_ascii=False, separators=(inner, ": ")).encode
        head, end = "{" + inner[1:], pad + "}"
        return lambda item: head + one_line(item)[1:-1] + end if item else "{}"

    def nested(item: Any) -> str:
        out: list[str] = []
        try:
            _dump(item, pad, out)
        except _Unusual:
            text = json.JSONEncoder(ensure_ascii=False, indent=1).encode(item)
            return text.replace("\n", pad)
        return "".join(out)

    return nested


class _Unusual(Exception):
    """A value :func:`_dump` leaves to the json module (a key that is not text, a type
    that is not JSON's)."""


def _number(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _dump(value: Any, pad: str, out: list[str]) -> None:
    """``value`` as ``json.dumps(value, ensure_ascii=False, indent=1)`` writes it, each
    line after the first starting with ``pad`` (a line break and the indent): the same
    text, made by appending pieces instead of the json module's nested generators (about
    three times as fast)."""
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_number(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = pad + " "
        sep = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Unusual
            out.append(sep)
            out.append(encode_basestring(key))
            out.append(": ")
            _dump(item, inner, out)
            sep = "," + inner
        out.append(pad + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = pad + " "
        sep = "[" + inner
        for item in value:
            out.append(sep)
            _dump(item, inner, out)
            sep = "," + inner
        out.append(pad + "]")
    else:
        raise _Unusual


def write_json(fh: TextIO, doc: Any, *, after: Callable[[], str] | None = None) -> None:
    """Write ``doc`` to ``fh`` as ``json.dump(doc, fh, ensure_ascii=False, indent=1)`` and
    a newline would, each :class:`Streamed` in it written a batch at a time. ``after``
    gives text written just before the document's last closing bracket (a key that
    depends on the streamed items), e.g. ``',\n "scale": "cosmological"'``."""
    out = _Splicer(fh)
    json.dump(doc, out, ensure_ascii=False, indent=1, default=out.mark)
    out.close(after() if after is not None else "")


class _Splicer:
    """What ``json.dump`` writes to: its text passes on to ``fh``, but for the mark each
    :class:`Streamed` is dumped as (a text of its own), where the list's items are written
    instead, indented by the depth of the line the mark is on."""

    def __init__(self, fh: TextIO) -> None:
        self.fh = fh
        self.lists: list[Streamed] = []
        self.token = secrets.token_hex(8)  # no text of the data can be the mark
        self.marks = re.compile(rf'"\\u0000{self.token}-(\d+)\\u0000"')
        self.pending: list[str] = []  # the text since the last list: a line of it is cut
        self.spliced = 0

    def mark(self, value: Any) -> str:
        if not isinstance(value, Streamed):
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
        self.lists.append(value)
        return f"\0{self.token}-{len(self.lists) - 1}\0"

    def write(self, chunk: str) -> None:
        at = 0
        for match in self.marks.finditer(chunk):
            self.pending.append(chunk[at : match.start()])
            at = match.end()
            text = "".join(self.pending)
            self.pending = []
            self.fh.write(text)
            line = text[text.rfind("\n") + 1 :]
            self._list(self.lists[int(match.group(1))], len(line) - len(line.lstrip(" ")))
            self.spliced += 1
        self.pending.append(chunk[at:])

    def _list(self, items: Streamed, depth: int) -> None:
        between = ",\n" + " " * (depth + 1)
        encode = _indented(depth, items.flat)
        for batch in items.batches:
            dumped = [encode(item) for item in batch]
            if not dumped:
                continue
            self.fh.write(("[\n" + " " * (depth + 1)) if not items.written else between)
            self.fh.write(between.join(dumped))
            items.written += len(dumped)
        self.fh.write(("\n" + " " * depth + "]") if items.written else "[]")

    def close(self, after: str) -> None:
        """Write the rest, ``after`` before its last line, and a newline."""
        if self.spliced != len(self.lists):  # json wrote a mark in pieces: never so far
            raise RuntimeError("a streamed list was not found in the JSON text")
        tail = "".join(self.pending)
        if after:
            cut = tail.rfind("\n")
            tail = tail[:cut] + after + tail[cut:]
        self.fh.write(tail + "\n")
