"""The validator: reads a dataset a batch at a time and applies every rule vectorised.

Order of work: the descriptor; the files' sha256 and sizes (in a background thread, while
the tables are read); then each table in model order (places, actors, sources, events,
participants, claims): its Parquet footer (the structure rules), then its batches (whole
row groups, :data:`BATCH_ROWS` rows at most), read by a thread :data:`READ_AHEAD` batches
ahead of the rules, across tables: the next table is opened and read while the rules
finish the one before (:func:`~chrono.validation.reading.pieces`). Each batch's text is
checked, then every rule that sees the table's rows runs on it
(:mod:`chrono.validation.schedule`); a table that later tables reference keeps the columns
their rules declare (:class:`~chrono.validation.state.Keeper`), and its ids for looking
references up. After a table's last batch, the rules that carry state across batches
finish (duplicate keys, supporting claims, likely duplicates...).

Memory is what a few batches need, plus that per-key state: nothing of participants and
claims but a few bytes per event (docs/validate.md).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from chrono.curation import has_curated_sources
from chrono.dataset import Dataset
from chrono.model.tables import TABLES
from chrono.package import DESCRIPTOR, DatasetError, resolve
from chrono.safeio import InputError
from chrono.validation import schedule
from chrono.validation.batch import Batch
from chrono.validation.findings import relative
from chrono.validation.id_index import KeyIndex
from chrono.validation.memory import run_memory
from chrono.validation.reading import BATCH_ROWS, TableReader, pieces, read_ahead
from chrono.validation.report import Report
from chrono.validation.rules import curated, integrity, structure, vocabularies
from chrono.validation.sources import check_sources
from chrono.validation.state import Run

Progress = Callable[[str], None]

#: The tables in the order they are read (model order)
ORDER = list(TABLES)

#: Batches read ahead of the rules: with two, the reading thread also works while the
#: rules finish a table (0.90 of the time at 1M events; one batch more in memory)
READ_AHEAD = 2


def validate(
    path: str | Path | Dataset,
    *,
    sources: str | Path | None = None,
    max_examples: int = 5,
    progress: Progress | None = None,
    batch_rows: int | None = BATCH_ROWS,
) -> Report:
    """Validate one dataset (a bundled name, a directory, a ``datapackage.json``, or an
    opened :class:`~chrono.dataset.Dataset`).

    Never raises for bad or unreadable data: an input that cannot be read sets
    ``Report.fatal`` (the CLI exits 3), findings go to ``Report.results``. ``batch_rows``:
    the most rows read at once (None: each table whole); the report is the same.

    >>> import chrono
    >>> report = chrono.validate("russia-china-summits")
    >>> report.valid, report.fatal
    (True, None)
    >>> chrono.validate("no/such/dataset").fatal
    'no/such/dataset: no such dataset directory or datapackage.json'
    """
    say = progress or (lambda _msg: None)
    if batch_rows is not None and batch_rows < 1:
        raise ValueError(f"batch_rows must be at least 1, not {batch_rows}")
    try:
        directory = path.root if isinstance(path, Dataset) else resolve(path)
    except DatasetError as exc:
        return Report(str(path), str(path), fatal=str(exc), max_examples=max_examples)
    # named by its folder until its descriptor names it ("." is named as the folder it is)
    name = Path(os.path.abspath(directory)).name
    report = Report(name, str(directory), max_examples=max_examples)
    with run_memory():
        return _open_and_validate(report, path, directory, sources, say, batch_rows)


def _open_and_validate(
    report: Report,
    path: str | Path | Dataset,
    directory: Path,
    sources: str | Path | None,
    say: Progress,
    batch_rows: int | None,
) -> Report:
    try:
        # lexists: a descriptor that is a broken symlink or a loop is there, and unreadable
        if has_curated_sources(directory) and not os.path.lexists(directory / DESCRIPTOR):
            curated.not_built(report, directory, DESCRIPTOR)
            say("checking the curated sources")
            check_sources(report, directory)
            report.finish()
            return report
        try:
            ds = Dataset.open(path if isinstance(path, Dataset) else directory, unique=False)
        except DatasetError as exc:
            report.fatal = str(exc)
            return report
        try:
            return _validate(report, ds, sources, say, batch_rows)
        finally:
            if ds is not path:
                ds.close()
    except InputError as exc:  # a curated file refused (a FIFO, a symlink out, too big)
        report.fatal = str(exc)
        report.finish()
        return report


def _validate(
    report: Report,
    ds: Dataset,
    sources: str | Path | None,
    say: Progress,
    batch_rows: int | None,
) -> Report:
    directory = ds.root
    report.dataset = ds.name
    if curated.stale(report, ds):
        # the tables describe older sources: check what the sources say now
        say("checking the curated sources")
        check_sources(report, directory)
        report.finish()
        return report
    structure.duplicate_resources(report, ds)
    run = Run(
        ds,
        report.max_examples,
        vocabularies.declared(report, directory, dict(ds.descriptor)),
        Path(sources) if sources is not None else None,
        batch_rows=batch_rows,
    )
    found = Report("", "", max_examples=report.max_examples)  # the rules' findings
    with ThreadPoolExecutor(1) as hasher, Threads() as threads:
        hashes = integrity.start_hashing(hasher, ds)
        try:
            _read_all(report, ds, run, threads, say)
            found = threads.findings(report.max_examples)
        except DatasetError as exc:
            report.fatal = report.fatal or str(exc)
        say("checking files")
        integrity.check_files(report, ds, hashes)
    if report.fatal is not None:
        report.finish()
        return report
    report.merge(found)
    report.notes.extend(found.notes)
    events = run.readers.get("events")
    if events is not None:
        structure.empty_curated(report, ds, events.path, events.rows)
    report.finish()
    _locate(report, directory)
    return report


class Threads:
    """The threads of a run besides the main one, each with its own findings.

    ``reader`` reads the next batch (and checks its text) while the rules run on the one
    before; ``lane`` runs the rules without state on a batch while the main thread runs the
    rules with state (which see the batches in order) and keeps what later tables need,
    then takes the lane's rules not yet started (:class:`SharedChecks`); the lane is one
    batch behind at most (the main thread goes on to the next batch meanwhile: 4% faster
    at 10M events for one batch more in memory);
    ``finisher`` finishes a table's rules with state while the next table is read. Arrow
    compute and numpy release the GIL, so the threads share the two cores. Each thread
    writes its own report, merged at the end: the findings do not depend on the timing
    (``Report.finish`` orders the examples).
    """

    def __init__(self) -> None:
        self.reader = ThreadPoolExecutor(1, thread_name_prefix="chrono-read")
        self.lane = ThreadPoolExecutor(1, thread_name_prefix="chrono-rules")
        self.finisher = ThreadPoolExecutor(1, thread_name_prefix="chrono-finish")
        self.parts = {name: Report("", "") for name in ("main", "lane", "finisher")}
        self.finishing: list[tuple[Future[None], SharedChecks]] = []

    def findings(self, max_examples: int) -> Report:
        """Every finding of the run, once every table is finished: the last table's rules
        with state are finished by the three threads together (the tables read, the main
        thread and the lane would otherwise wait)."""
        for fut, _ in self.finishing[:-1]:
            fut.result()
        if self.finishing:
            fut, last = self.finishing[-1]
            helped = self.lane.submit(last.run, self.parts["lane"])
            last.run(self.parts["main"])
            helped.result()
            fut.result()
        out = Report("", "", max_examples=max_examples)
        for part in self.parts.values():
            out.merge(part)
            out.notes.extend(part.notes)
        return out

    def __enter__(self) -> Threads:
        return self

    def __exit__(self, *exc: object) -> None:
        for pool in (self.reader, self.lane, self.finisher):
            pool.shutdown(wait=True, cancel_futures=True)


class TableRules:
    """The rules running on one table's batches as they come, and what is kept of it."""

    def __init__(self, run: Run, reader: TableReader, present: set[str], threads: Threads):
        self.run, self.reader, self.threads = run, reader, threads
        checks = schedule.checks(run, reader.spec, present)
        self.stateless = [c for c in checks if isinstance(c, schedule.PerBatch)]
        self.stateful = [c for c in checks if not isinstance(c, schedule.PerBatch)]
        self.keeper = schedule.keeper(run, reader)
        self.behind: Future[None] | None = None  # the lane's work on the batch before

    def add(self, raw: Any, offset: int) -> None:
        """Run the rules on a batch: those without state on the lane (one batch behind at
        most), those with state here, in order."""
        batch = self.reader.batch(raw, offset, self.run)
        parts = self.threads.parts
        shared = SharedChecks(self.stateless, batch)
        done = self.threads.lane.submit(shared.run, parts["lane"])
        _run_checks(self.stateful, batch, parts["main"])
        if self.keeper is not None:
            self.keeper.add(batch)
        shared.run(parts["main"])  # the lane's rules not yet started: taken here
        self.wait()
        self.behind = done

    def wait(self) -> None:
        """Wait for the lane's work on the batch before."""
        if self.behind is not None:
            self.behind.result()
            self.behind = None

    def finish(self) -> None:
        """After the last batch: keep the table's columns and ids for later tables, and
        finish the rules with state while the next table is read."""
        self.wait()
        name, run = self.reader.spec.name, self.run
        if self.keeper is not None:
            kept = run.kept[name] = self.keeper.finish(self.threads.lane)
            if kept.has("id"):
                index = run.keys[name] = KeyIndex(kept.data["id"], self.keeper.sorted_ids)
                for column in self.keeper.sparse:
                    refs = self.keeper.self_references(column, index)
                    if refs is not None:
                        run.references[(name, column)] = refs
        part, shared = self.threads.parts["finisher"], SharedChecks(self.stateful)
        self.threads.finishing.append((self.threads.finisher.submit(shared.run, part), shared))


def _read_all(report: Report, ds: Dataset, run: Run, threads: Threads, say: Progress) -> None:
    present = {name for name in TABLES if name in ds.resources}
    for part in threads.parts.values():
        part.max_examples = report.max_examples
    sources_done = threading.Event()  # the sources are kept (or will not be)

    def quotes() -> bool:  # asked by the reading thread, opening claims
        sources_done.wait()
        return run.sources is not None or _names_texts(run)

    table: TableRules | None = None
    try:
        for piece in read_ahead(threads.reader, pieces(ds, run.batch_rows, quotes), READ_AHEAD):
            name = piece.spec.name
            if table is not None and table.reader.spec.name != name:
                table.finish()
                table = None
            if ORDER.index(name) > ORDER.index("sources"):
                sources_done.set()  # the sources were finished (kept) before this table
            if piece.footer is not None:
                report.merge(piece.footer)
            if piece.failed is not None:
                raise piece.failed
            if piece.reader is None:
                structure.missing_table(report, name, ds)
                continue
            run.readers[name] = piece.reader
            if report.fatal is not None or piece.raw is None:
                continue  # the text of a table before is not UTF-8: footers only
            if piece.footer is not None:
                say(f"checking {name}")
            if piece.fatal is not None:
                report.fatal = piece.fatal
                if table is not None:
                    table.wait()
                table = None
                continue
            if table is None:
                table = TableRules(run, piece.reader, present, threads)
            table.add(piece.raw, piece.offset)
            del piece
        if table is not None:
            table.finish()
    finally:
        sources_done.set()


class SharedChecks:
    """Rules each run once by whichever thread takes it first: the rules without state of
    one ``batch`` (the lane starts on them, the main thread takes those left once it has
    run the rules with state: the two cores stay busy to the end of a table), or, with no
    batch, the finishes of a table's rules with state (the finishing thread, and after the
    last table the main thread and the lane)."""

    def __init__(self, checks: Sequence[schedule.Check], batch: Batch | None = None) -> None:
        self.left = deque(checks)
        self.batch = batch

    def run(self, out: Report) -> None:
        while True:
            try:
                check = self.left.popleft()  # atomic: each check is taken once
            except IndexError:
                return
            if self.batch is None:
                check.finish(out)
            else:
                check.batch(self.batch, out)


def _run_checks(checks: Sequence[schedule.Check], batch: Batch, out: Report) -> None:
    for check in checks:
        check.batch(batch, out)


def _names_texts(run: Run) -> bool:
    """Some source names a local copy of its text."""
    sources = run.kept.get("sources")
    return (
        sources is not None
        and sources.has("text")
        and sources.data["text"].null_count < sources.rows
    )


def _locate(report: Report, directory: Path) -> None:
    """Point examples at the curated YAML file, line and column, when the dataset has them."""
    if not report.results:
        return
    from chrono.curation import has_curated_sources, read_curated

    if not has_curated_sources(directory):
        return
    try:
        curated_ = read_curated(directory)
    except (InputError, OSError):
        return
    for res in report.results.values():
        located = []
        for f in res.examples:
            where = curated_.locate(f.table, f.key, f.column)
            if where is not None:
                file, line, col = where
                f = replace(f, file=relative(directory / file), line=line, col=col)
            located.append(f)
        res.examples = located
