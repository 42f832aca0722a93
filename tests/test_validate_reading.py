"""How validation reads a dataset: the pieces a reading thread hands the rules, table after
table, and how far ahead of the rules it reads."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest.mock import patch

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from chrono.build import WRITE_OPTIONS
from chrono.dataset import Dataset
from chrono.model.tables import TABLES
from chrono.validation import reading, validate
from chrono.validation.reading import Piece, TableReader, dictionary_pages, pieces, read_ahead
from chrono.validation.report import Report
from conftest import MINI, table_file
from views_data import damage_first


def _shape(piece: Piece) -> tuple[str, int | None, int | None, bool, bool]:
    """(table, first row, rows, carries the footer, failed) of a piece."""
    rows = None if piece.raw is None else piece.raw.num_rows
    offset = None if piece.raw is None else piece.offset
    return piece.spec.name, offset, rows, piece.footer is not None, piece.failed is not None


def _pieces(root: Path, batch_rows: int | None) -> list[Piece]:
    with Dataset.open(root) as ds:
        return list(pieces(ds, batch_rows, lambda: False))


def test_every_table_in_model_order_a_batch_at_a_time(mini: Path) -> None:
    assert [_shape(p) for p in _pieces(mini, 2)] == [
        ("places", 0, 2, True, False),
        ("actors", 0, 2, True, False),
        ("actors", 2, 1, False, False),
        ("sources", 0, 2, True, False),
        ("events", 0, 2, True, False),
        ("events", 2, 1, False, False),
        ("participants", 0, 2, True, False),
        ("participants", 2, 2, False, False),
        ("participants", 4, 1, False, False),
        ("claims", 0, 2, True, False),
        ("claims", 2, 2, False, False),
        ("claims", 4, 2, False, False),
        ("claims", 6, 2, False, False),
    ]
    assert [_shape(p) for p in _pieces(mini, None)] == [
        ("places", 0, 2, True, False),
        ("actors", 0, 3, True, False),
        ("sources", 0, 2, True, False),
        ("events", 0, 3, True, False),
        ("participants", 0, 5, True, False),
        ("claims", 0, 8, True, False),
    ]


def test_a_table_not_in_the_dataset_is_one_piece_without_a_reader(mini: Path) -> None:
    descriptor = mini / "datapackage.json"
    package = json.loads(descriptor.read_text())
    package["resources"] = [r for r in package["resources"] if r["name"] != "participants"]
    descriptor.write_text(json.dumps(package))
    got = _pieces(mini, None)
    assert [_shape(p) for p in got][3:5] == [
        ("events", 0, 3, True, False),
        ("participants", None, None, False, False),
    ]
    assert got[4].reader is None


def test_after_text_that_is_not_utf8_later_tables_are_opened_not_read(mini: Path) -> None:
    damage_first(table_file(mini, "events"), "id")
    got = _pieces(mini, 2)
    assert [_shape(p) for p in got][4:] == [
        ("events", 0, 2, True, False),
        ("participants", None, None, True, False),
        ("claims", None, None, True, False),
    ]
    assert got[4].fatal is not None and "/events-" in got[4].fatal
    assert [p.fatal for p in got[5:]] == [None, None]
    assert validate(mini, batch_rows=2).fatal == got[4].fatal


def test_a_table_that_cannot_be_read_ends_the_pieces(mini: Path) -> None:
    table_file(mini, "participants").write_bytes(b"PAR1 not really")
    got = _pieces(mini, None)
    assert [_shape(p) for p in got][3:] == [
        ("events", 0, 3, True, False),
        ("participants", None, None, True, True),
    ]
    assert "unreadable Parquet" in str(got[-1].failed)


def test_quotes_are_asked_only_of_claims_once_the_rules_let_it(mini: Path) -> None:
    """The reading thread asks whether claims' quotes are read when it opens claims, not
    before: the answer depends on the sources the rules have kept meanwhile."""
    asked: list[str] = []
    opened: list[str] = []

    def quotes() -> bool:
        asked.append(opened[-1])
        return True

    with Dataset.open(mini) as ds:
        for piece in pieces(ds, None, quotes):
            opened.append(piece.spec.name)
            assert piece.raw is not None
            if piece.spec.name == "claims":
                assert "quote" in piece.raw.column_names
    assert asked == ["participants"]  # asked after participants, opening claims


def test_read_ahead_makes_depth_items_ahead_of_the_one_in_use() -> None:
    made: list[int] = []

    def items() -> Iterator[int]:
        for i in range(6):
            made.append(i)
            yield i

    with ThreadPoolExecutor(1) as pool:
        for depth in (1, 2):
            made.clear()
            seen = []
            for item in read_ahead(pool, items(), depth):
                pool.submit(lambda: None).result()  # the reads asked for so far are done
                seen.append(item)
                assert made == list(range(min(item + depth + 1, 6))), (depth, item)
            assert seen == list(range(6))


def test_read_ahead_hands_on_an_error_in_its_turn() -> None:
    def items() -> Iterator[int]:
        yield 1
        raise ValueError("broken")

    got = []
    with ThreadPoolExecutor(1) as pool, pytest.raises(ValueError, match=r"^broken$"):
        for item in read_ahead(pool, items(), 2):
            got.append(item)
    assert got == [1]


def test_a_run_stopped_by_an_error_leaves_no_thread_behind(mini: Path) -> None:
    """An error in the rules' thread (here the progress callback) ends the run: the reading
    thread is not left waiting for the sources, whichever table the error comes at."""

    def chrono_threads() -> list[str]:
        return [t.name for t in threading.enumerate() if t.name.startswith("chrono-")]

    for table in ("places", "sources", "events", "claims"):

        def stop(message: str, table: str = table) -> None:
            if message == f"checking {table}":
                raise KeyboardInterrupt(table)

        with pytest.raises(KeyboardInterrupt, match=table):
            validate(mini, batch_rows=2, progress=stop)
        assert chrono_threads() == []
    assert validate(mini, batch_rows=2).valid


def _many_claims(root: Path, copies: int) -> None:
    """Each claim copied ``copies`` times under new ids, one of the copies citing a source
    that does not exist, written (with the descriptor's hash) as the build writes tables."""
    path = table_file(root, "claims")
    claims = pq.read_table(path)
    parts = [claims]
    for i in range(copies):
        ids = pc.binary_join_element_wise(claims["id"], pa.scalar(f"copy-{i}"), "/")
        parts.append(claims.set_column(0, claims.schema.field(0), ids))
    table = pa.concat_tables(parts).sort_by("id")
    at = table.column_names.index("source_id")
    sources = table["source_id"].to_pylist()
    sources[7] = "no-such-source"
    table = table.set_column(at, table.schema.field(at), pa.array(sources, pa.string()))
    pq.write_table(table, path, **WRITE_OPTIONS)
    descriptor = root / "datapackage.json"
    package = json.loads(descriptor.read_text())
    for res in package["resources"]:
        if res["name"] == "claims":
            blob = path.read_bytes()
            res.update(hash="sha256:" + hashlib.sha256(blob).hexdigest(), bytes=len(blob))
            res["rows"] = table.num_rows
    descriptor.write_text(json.dumps(package, indent=2))


def test_a_column_stored_as_dictionary_indices_is_read_as_a_dictionary(mini: Path) -> None:
    """Claims written by the build with few events, sources and values for many claims:
    every page of those columns holds dictionary indices (not of the ids), so they are
    read as dictionaries; the report is the one reading them as plain strings gives."""
    _many_claims(mini, 60)
    meta = pq.ParquetFile(table_file(mini, "claims")).metadata
    columns = ("id", "event_id", "source_id", "value")
    assert [c for c in columns if dictionary_pages(meta, c)] == ["event_id", "source_id", "value"]
    with Dataset.open(mini) as ds:
        reader = TableReader.open(Report("", ""), TABLES["claims"], ds, lambda: False)
        assert reader.as_dict == ["event_id", "source_id", "value", "locator"]
    as_dictionary = validate(mini, batch_rows=100).to_dict()
    with patch.object(reading, "AS_DICT", {}), patch.object(reading, "AS_DICT_WHEN_ENCODED", {}):
        as_strings = validate(mini, batch_rows=100).to_dict()
    assert as_dictionary == as_strings
    assert [(r["code"], r["count"]) for r in as_dictionary["rules"]] == [("CHR202", 1)]
    mini_meta = pq.ParquetFile(table_file(MINI, "claims")).metadata
    assert not dictionary_pages(mini_meta, "source_id")  # 8 claims: a page's bytes outweigh
