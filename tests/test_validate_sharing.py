"""How the rules share a batch's work: the rules without state are taken by whichever of
two threads is free (each run once), and a reference into a table whose ids are sorted is
ordered by the rows it names."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa

from chrono import validate
from chrono.model.tables import TABLES
from chrono.validation.batch import Batch
from chrono.validation.engine import SharedChecks, Threads
from chrono.validation.id_index import KeyIndex
from chrono.validation.report import Report
from chrono.validation.schedule import PerBatch
from chrono.validation.state import Keeper, Run


def _participants(event_ids: list[str | None], actor_ids: list[str], run: Run) -> Batch:
    data = pa.table(
        {
            "event_id": pa.array(event_ids, pa.string()),
            "actor_id": pa.array(actor_ids, pa.string()),
        }
    )
    spec = TABLES["participants"]
    return Batch(
        spec, Path("participants.parquet"), data, data.num_rows, set(data.column_names), run=run
    )


def _run(event_ids: list[str], sorted_unique: bool) -> Run:
    run = Run(None)
    run.keys["events"] = KeyIndex(pa.chunked_array([pa.array(event_ids)]), sorted_unique)
    run.keys["actors"] = KeyIndex(pa.chunked_array([pa.array(["a1", "a2"])]), True)
    return run


def test_each_rule_of_a_batch_runs_once_whichever_thread_takes_it() -> None:
    ran: dict[str, str] = {}
    started, released = threading.Event(), threading.Event()

    def rule(name: str) -> PerBatch:
        def check(t: Batch, out: Report) -> None:
            if name == "r0":  # the lane is held on the first rule...
                started.set()
                assert released.wait(10)
            ran[name] = threading.current_thread().name
            if name == "r9":  # ...until the main thread has taken the others
                released.set()

        return PerBatch(check)

    shared = SharedChecks(
        [rule(f"r{i}") for i in range(10)], _participants(["e1"], ["a1"], Run(None))
    )
    main = threading.current_thread().name
    with ThreadPoolExecutor(1, thread_name_prefix="lane") as lane:
        done = lane.submit(shared.run, Report("", ""))
        assert started.wait(10)
        shared.run(Report("", ""))
        done.result()
    assert ran == {"r0": "lane_0", **{f"r{i}": main for i in range(1, 10)}}


def test_the_last_tables_rules_are_finished_by_every_thread_each_once() -> None:
    """After the last table, the main thread and the lane take the finishes the finishing
    thread has not started (it is held on the first, until the nine others are done);
    each finish runs once."""
    ran: dict[str, str] = {}
    started, released = threading.Event(), threading.Event()

    class Rule:
        def __init__(self, name: str) -> None:
            self.name = name

        def batch(self, t: Batch, out: Report) -> None:
            raise AssertionError("only finished here")

        def finish(self, out: Report) -> None:
            if self.name == "f0":  # the finishing thread is held on the first rule...
                started.set()
                assert released.wait(10)
            ran[self.name] = threading.current_thread().name.split("_")[0]
            if len(ran) == 9:  # ...until the others have been taken
                released.set()

    with Threads() as threads:
        shared = SharedChecks([Rule(f"f{i}") for i in range(10)])
        earlier = SharedChecks([])
        threads.finishing.append((threads.finisher.submit(earlier.run, Report("", "")), earlier))
        held = threads.finisher.submit(shared.run, threads.parts["finisher"])
        threads.finishing.append((held, shared))
        assert started.wait(10)
        threads.findings(5)
    assert sorted(ran) == [f"f{i}" for i in range(10)] and ran["f0"] == "chrono-finish"
    assert {ran[f"f{i}"] for i in range(1, 10)} <= {"MainThread", "chrono-rules"}


def test_a_reference_to_sorted_ids_is_ordered_by_the_rows_it_names() -> None:
    run = _run(["e1", "e2", "e3"], sorted_unique=True)
    batch = _participants(["e1", "e1", "e3"], ["a1", "a2", "a1"], run)
    assert batch.ordered("event_id").to_pylist() == [0, 0, 2]
    assert batch.ordered("actor_id").to_pylist() == [0, 1, 0]
    assert batch.increasing(["event_id", "actor_id"]) is True
    assert (
        _participants(["e1", "e1"], ["a2", "a1"], run).increasing(["event_id", "actor_id"]) is False
    )


def test_a_reference_is_ordered_by_its_text_unless_every_row_resolves_in_sorted_ids() -> None:
    unsorted = _run(["e3", "e1", "e2"], sorted_unique=False)
    batch = _participants(["e1", "e2", "e3"], ["a1", "a1", "a1"], unsorted)
    assert batch.ordered("event_id").to_pylist() == ["e1", "e2", "e3"]
    assert batch.increasing(["event_id", "actor_id"]) is True
    unresolved = _participants(["e1", "e9"], ["a1", "a1"], _run(["e1", "e2"], sorted_unique=True))
    assert unresolved.ordered("event_id").to_pylist() == ["e1", "e9"]
    unset = _participants(["e1", None], ["a1", "a1"], _run(["e1", "e2"], sorted_unique=True))
    assert unset.ordered("event_id").to_pylist() == ["e1", None]
    assert unset.increasing(["event_id", "actor_id"]) is False


def test_kept_columns_joined_on_the_lane_are_the_columns_joined_alone(
    westphalia: Path, monkeypatch: Any
) -> None:
    """At a table's end every other kept column is joined on the lane: the kept batch is
    the one the main thread alone makes, column for column, in the table's order."""
    seen: dict[str, tuple[list[str], list[str]]] = {}
    threads: dict[str, set[str]] = {}
    finish, column = Keeper.finish, Keeper._column

    def joined(self: Keeper, c: str) -> pa.ChunkedArray | None:
        threads.setdefault(self.spec.name, set()).add(threading.current_thread().name)
        return column(self, c)

    def both(self: Keeper, helper: Any = None) -> Batch:
        chunks = {c: list(parts) for c, parts in self.chunks.items()}
        alone = finish(self)
        self.chunks.update(chunks)
        helped = finish(self, helper)
        assert helped.data.equals(alone.data) and helped.usable == alone.usable
        seen[self.spec.name] = (alone.data.column_names, helped.data.column_names)
        return helped

    monkeypatch.setattr(Keeper, "finish", both)
    monkeypatch.setattr(Keeper, "_column", joined)
    assert validate(westphalia).valid
    names = TABLES["events"].column_names
    kept = seen["events"][1]
    assert len(kept) >= 2  # derived columns (how each end is given) after the table's
    assert kept == sorted(kept, key=lambda c: names.index(c) if c in names else len(names))
    assert {t.split("_")[0] for t in threads["events"]} == {"MainThread", "chrono-rules"}


def test_kept_vocabulary_codes_widen_when_the_words_pass_a_byte() -> None:
    """Codes are kept a byte each while a table's column has under 128 distinct words; a
    later batch that brings more widens every part's codes, and each row keeps its word."""
    spec = TABLES["events"]
    keeper = Keeper(spec, Path("events.parquet"), {"type"})
    words = [f"kind-{i:03d}" for i in range(200)]
    batches = [words[:100] * 2, words[50:200], ["kind-007", "kind-199"]]
    offset = 0
    for values in batches:
        column = pa.chunked_array([pa.array(values).dictionary_encode()])
        data = pa.table({"type": column})
        keeper.add(Batch(spec, Path("events.parquet"), data, len(values), {"type"}, offset=offset))
        offset += len(values)
    kept = keeper.finish().data["type"]
    assert kept.type == pa.dictionary(pa.int16(), pa.string())
    assert kept.to_pylist() == [v for values in batches for v in values]


def test_unknown_terms_are_found_in_the_chunks_whose_dictionary_has_them() -> None:
    """A chunk whose dictionary holds terms only adds no row, one beside it with an unknown
    term adds its rows; with none, nothing is counted."""
    from chrono.validation.rules.vocabularies import unknown_vocabulary_term

    def batch(*chunks: list[str]) -> Batch:
        role = pa.chunked_array([pa.array(c).dictionary_encode() for c in chunks])
        data = pa.table({"role": role})
        spec = TABLES["participants"]
        return Batch(spec, Path("participants.parquet"), data, data.num_rows, {"role"})

    out = Report("", "")
    unknown_vocabulary_term(batch(["host", "guest"], ["hots", "guest", "hots"], ["host"]), out)
    found = out.results["CHR501"]
    assert found.count == 2
    assert [(e.row, e.value) for e in found.examples] == [(2, "hots"), (4, "hots")]
    clean = Report("", "")
    unknown_vocabulary_term(batch(["host"], ["guest", "host"]), clean)
    assert "CHR501" not in clean.results
