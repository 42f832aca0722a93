"""The validator: reads a dataset once, column by column, and applies every rule vectorised.

Order of work: the descriptor; the files' sha256 and sizes (in a background thread, while
the tables are read); each table's Parquet footer (row count, column types, null counts
from the statistics); then only the columns the rules need. While the next table is read,
two worker threads (``_Checks``) check the text of the tables already read, run their
per-table rules (nulls, patterns, vocabularies, primary keys, EDTF and its derived
columns) and the cross-table rules whose tables are all read (foreign keys, provenance,
parents, duplicates). Cross-table rules map each referencing row to its referenced row once
with ``pyarrow.compute.index_in`` and gather the referenced columns with ``take``: no
Python loop over rows, no row objects.

This module schedules the work; ``reading`` reads (files, footers, columns, text),
``table`` holds a table as the rules see it and records findings, ``table_rules`` and
``cross_rules`` are the rules.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from chrono.curation import has_curated_sources
from chrono.dataset import Dataset
from chrono.model.tables import TABLES
from chrono.model.vocabularies import CORE, Vocabularies, VocabularyError
from chrono.package import DESCRIPTOR, DatasetError, resolve
from chrono.safeio import InputError
from chrono.validation.cross_rules import (
    _claim_rules,
    _duplicates,
    _lookup,
    _parents,
    _published,
    _ref_index,
)
from chrono.validation.publication_rules import echoed_publication_dates, stale_plans
from chrono.validation.reading import _check_text, freshness, integrity, load_table, start_hashing
from chrono.validation.report import Finding, Report
from chrono.validation.rules import RULES
from chrono.validation.sources import check_sources
from chrono.validation.table import Loaded, _mask_count, _rel
from chrono.validation.table_rules import _per_table

Progress = Callable[[str], None]


#: Rule tasks run on two threads: Arrow compute and numpy release the GIL.
_WORKERS = 2


class _Checks:
    """Rule tasks running in a thread pool, each into its own report, merged in order.

    Tasks are submitted in the order their inputs are ready (a table's rules as soon as it
    is read, while the next one is read); a task only waits for tasks submitted before it,
    so two workers cannot wait for each other. The findings do not depend on the timing:
    each task's report is merged in submission order and ``Report.finish`` sorts examples.
    """

    def __init__(self, pool: ThreadPoolExecutor, max_examples: int) -> None:
        self.pool = pool
        self.max_examples = max_examples
        self.text: dict[str, list[Future[str | None]]] = {}  # UTF-8 checks, per column
        self.tasks: list[Future[tuple[Report, Any]]] = []

    def check_text(self, t: Loaded, raw: pa.Table) -> None:
        self.text[t.spec.name] = [self.pool.submit(_check_text, t.path, c) for c in raw.columns]

    def valid_text(self, *tables: Loaded) -> bool:
        return all(f.result() is None for t in tables for f in self.text[t.spec.name])

    def run(
        self, fn: Callable[..., Any], *args: Any, needs: tuple[Loaded, ...] = ()
    ) -> Future[Any]:
        """Run ``fn(report, *args)`` once ``needs`` are known to hold valid text.

        An argument that is a future (of an earlier task) is replaced by its value.
        """

        def task() -> Any:
            out = Report("", "", max_examples=self.max_examples)
            if not self.valid_text(*needs):
                return out, None
            # results of earlier tasks (a reference index): None when it could not be made
            values = [self.value(a) if isinstance(a, Future) else a for a in args]
            if any(v is None for v in values):
                return out, None
            return out, fn(out, *values)

        fut = self.pool.submit(task)
        self.tasks.append(fut)
        return fut

    def value(self, fut: Future[Any]) -> Any:
        return fut.result()[1]

    def text_fatal(self) -> str | None:
        """Why the first table whose text is not UTF-8 cannot be read, if one is not."""
        for futures in self.text.values():
            for fut in futures:
                if (fatal := fut.result()) is not None:
                    return fatal
        return None

    def merge_into(self, report: Report) -> None:
        for fut in self.tasks:
            part, _ = fut.result()
            for code, res in part.results.items():
                report.add_many(code, res.count, res.examples)


def expand(path: str | Path) -> list[Path]:
    """Dataset directories named by a path: a dataset, its descriptor, or a folder of them."""
    p = Path(path)
    if p.is_dir() and not (p / DESCRIPTOR).is_file() and not has_curated_sources(p):
        found = sorted(
            d for d in p.iterdir() if (d / DESCRIPTOR).is_file() or has_curated_sources(d)
        )
        if found:
            return found
    return [resolve(path)]


def validate(
    path: str | Path | Dataset,
    *,
    sources: str | Path | None = None,
    max_examples: int = 5,
    progress: Progress | None = None,
) -> Report:
    """Validate one dataset (a bundled name, a directory, a ``datapackage.json``, or an
    opened :class:`~chrono.dataset.Dataset`).

    Never raises for bad or unreadable data: an input that cannot be read sets
    ``Report.fatal`` (the CLI exits 3), findings go to ``Report.results``.

    >>> import chrono
    >>> report = chrono.validate("russia-china-summits")
    >>> report.valid, report.fatal
    (True, None)
    >>> chrono.validate("no/such/dataset").fatal
    'no/such/dataset: no such dataset directory or datapackage.json'
    """
    say = progress or (lambda _msg: None)
    try:
        directory = path.root if isinstance(path, Dataset) else resolve(path)
    except DatasetError as exc:
        return Report(str(path), str(path), fatal=str(exc), max_examples=max_examples)
    report = Report(directory.name, str(directory), max_examples=max_examples)
    try:
        # lexists: a descriptor that is a broken symlink or a loop is there, and unreadable
        if has_curated_sources(directory) and not os.path.lexists(directory / DESCRIPTOR):
            report.add(
                Finding(
                    "CHR604",
                    RULES["CHR604"].severity,
                    None,
                    None,
                    None,
                    None,
                    f"not built: no {DESCRIPTOR} beside the curated sources; run chrono build",
                    _rel(directory / "dataset.yaml"),
                    1,
                )
            )
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
            return _validate(report, ds, sources, say)
        finally:
            if ds is not path:
                ds.close()
    except InputError as exc:  # a curated file refused (a FIFO, a symlink out, too big)
        report.fatal = str(exc)
        report.finish()
        return report


def _validate(report: Report, ds: Dataset, sources: str | Path | None, say: Progress) -> Report:
    directory = ds.root
    report.dataset = ds.name
    if freshness(report, ds):
        # the tables describe older sources: check what the sources say now
        say("checking the curated sources")
        check_sources(report, directory)
        report.finish()
        return report
    with ThreadPoolExecutor(max_workers=1) as hasher, ThreadPoolExecutor(_WORKERS) as pool:
        hashes = start_hashing(hasher, ds)
        checks = _Checks(pool, report.max_examples)
        loaded: dict[str, Loaded] = {}
        try:
            say("reading tables")
            loaded = _load_all(report, ds, sources is not None, checks)
        except DatasetError as exc:
            report.fatal = str(exc)
        say("checking tables, references and provenance")
        # text that is not UTF-8 ends the run (it is found before any later table is read)
        text_fatal = checks.text_fatal()
        if text_fatal is not None:
            report.fatal = text_fatal
        elif report.fatal is None:
            checks.merge_into(report)
        say("checking files")
        integrity(report, ds, hashes)
    if report.fatal is not None:
        report.finish()
        return report
    _empty(report, ds, loaded)
    if sources is None:
        _unchecked_quotes(report, loaded)
    else:
        say("checking quotes")
        from chrono.validation.quotes import check_quotes

        check_quotes(report, loaded, Path(sources))
    report.finish()
    _locate(report, directory)
    return report


def _empty(report: Report, ds: Dataset, loaded: dict[str, Loaded]) -> None:
    """CHR109: a curated dataset whose events table is empty was built from broken sources
    (no ``events/`` folder, or no ``.yaml`` file in it)."""
    events = loaded.get("events")
    if events is None or events.rows or not ds.curated:
        return
    report.add(
        Finding(
            "CHR109",
            RULES["CHR109"].severity,
            "events",
            None,
            None,
            0,
            "a curated dataset with no events: its events/ folder is missing or holds no "
            "<id>.yaml file (chrono build refuses to write such a dataset)",
            _rel(events.path),
        )
    )


def _names_texts(sources: Loaded) -> bool:
    """Some source names a local copy of its text."""
    return sources.has("text") and sources.data["text"].null_count < sources.rows


def _unchecked_quotes(report: Report, loaded: dict[str, Loaded]) -> None:
    """A note when quotes cite local texts but no --sources folder was given."""
    claims, sources = loaded.get("claims"), loaded.get("sources")
    if claims is None or sources is None or not sources.has("id", "text"):
        return
    if not claims.has("quote", "source_id") or not _names_texts(sources):
        return
    with_text = pc.is_valid(sources.data["text"]).combine_chunks()
    idx = _lookup(claims.data["source_id"], sources.combined("id"))
    count = _mask_count(pc.and_(pc.is_valid(claims.data["quote"]), pc.take(with_text, idx)))
    if count:
        report.notes.append(
            f"{count} quote{'' if count == 1 else 's'} not checked against "
            "their sources (pass --sources DIR)"
        )


def _load_all(report: Report, ds: Dataset, quotes: bool, checks: _Checks) -> dict[str, Loaded]:
    vocabularies = _vocabularies(report, ds.root, dict(ds.descriptor))
    out: dict[str, Loaded] = {}
    for name, spec in TABLES.items():
        if name not in ds.resources:
            report.add(
                Finding(
                    "CHR101",
                    RULES["CHR101"].severity,
                    name,
                    None,
                    None,
                    None,
                    f"the descriptor lists no table {name!r}",
                    _rel(ds.descriptor_path),
                )
            )
            continue
        out[name], raw = load_table(report, spec, ds, quotes)
        out[name].vocabularies = vocabularies
        checks.check_text(out[name], raw)
        checks.run(_per_table, out[name], needs=(out[name],))
        _cross(checks, out, name)
        if name == "sources" and _names_texts(out[name]):
            quotes = True  # the quotes are checked, or counted as not checked
    return out


def _vocabularies(report: Report, directory: Path, descriptor: dict[str, Any]) -> Vocabularies:
    """The dataset's vocabularies; CHR502 (and the core terms alone) for a bad declaration."""
    try:
        return Vocabularies.from_descriptor(descriptor)
    except VocabularyError as exc:
        report.add(
            Finding(
                "CHR502",
                RULES["CHR502"].severity,
                None,
                None,
                None,
                None,
                f"chrono.{exc} in {DESCRIPTOR}",
                _rel(directory / DESCRIPTOR),
            )
        )
        return CORE


def _cross(checks: _Checks, loaded: dict[str, Loaded], arrived: str) -> None:
    """Schedule the cross-table rules that the table just read (``arrived``) completes.

    Tables are read in model order (places, actors, sources, events, participants,
    claims), so the rules on events and participants run while claims are still being read.
    """
    get = loaded.get
    events, claims, parts = get("events"), get("claims"), get("participants")

    def ref(child: Loaded | None, col: str, parent: Loaded | None) -> Future[Any] | None:
        if child is None or parent is None:
            return None
        return checks.run(_ref_index, child, col, parent, needs=(child, parent))

    if arrived == "events" and events is not None:
        ref(events, "place_id", get("places"))
        checks.run(_parents, events, needs=(events,))
    if arrived == "participants" and parts is not None:
        p_ev = ref(parts, "event_id", events)
        p_act = ref(parts, "actor_id", get("actors"))
        if events is not None and p_ev is not None and p_act is not None:
            checks.run(_duplicates, events, parts, p_ev, p_act, needs=(events, parts))
    if arrived == "claims" and claims is not None:
        sources = get("sources")
        ev_idx = ref(claims, "event_id", events)
        src_idx = ref(claims, "source_id", sources)
        if events is None or ev_idx is None or not claims.has("property", "stance"):
            return
        checks.run(_claim_rules, events, claims, ev_idx, needs=(events, claims))
        if sources is not None and src_idx is not None:
            checks.run(
                _published,
                events,
                claims,
                sources,
                ev_idx,
                src_idx,
                needs=(events, claims, sources),
            )
            checks.run(echoed_publication_dates, claims, sources, src_idx, needs=(claims, sources))
            checks.run(
                stale_plans, events, claims, sources, ev_idx, needs=(events, claims, sources)
            )


def _locate(report: Report, directory: Path) -> None:
    """Point examples at the curated YAML file, line and column, when the dataset has them."""
    if not report.results:
        return
    from chrono.curation import has_curated_sources, read_curated

    if not has_curated_sources(directory):
        return
    try:
        curated = read_curated(directory)
    except (InputError, OSError):
        return
    for res in report.results.values():
        located = []
        for f in res.examples:
            where = curated.locate(f.table, f.key, f.column)
            if where is not None:
                file, line, col = where
                f = replace(f, file=_rel(directory / file), line=line, col=col)
            located.append(f)
        res.examples = located
