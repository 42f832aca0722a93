"""CHR5xx vocabularies: controlled columns hold terms of their vocabulary; a dataset's own
terms are declared as the model allows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.arrays import from_bools
from chrono.model.tables import vocabulary_terms
from chrono.model.vocabularies import CORE, Vocabularies, VocabularyError
from chrono.package import DESCRIPTOR
from chrono.validation.batch import Batch
from chrono.validation.findings import Message, emit, relative
from chrono.validation.registry import ERROR, declare, per_batch
from chrono.validation.report import Finding, Report

BAD_DECLARATION = declare(
    "CHR502",
    ERROR,
    "vocabulary declaration not allowed",
    """A dataset may add terms, each with a definition, to the open vocabularies (event_type,
    role, actor_kind, source_kind, property) in dataset.yaml under vocabularies. It cannot
    redefine a core term, extend a closed vocabulary (status, stance, mode, certainty,
    precision, calendar: the rules give their terms a meaning), or declare a term without a
    definition. chrono vocab lists every term a dataset may use.""",
)


def declared(report: Report, directory: Path, descriptor: dict[str, Any]) -> Vocabularies:
    """The dataset's vocabularies; CHR502 (and the core terms alone) for a bad declaration."""
    try:
        return Vocabularies.from_descriptor(descriptor)
    except VocabularyError as exc:
        report.add(
            Finding(
                "CHR502",
                ERROR,
                None,
                None,
                None,
                None,
                f"chrono.{exc} in {DESCRIPTOR}",
                relative(directory / DESCRIPTOR),
            )
        )
        return CORE


@per_batch("CHR501", ERROR, "unknown vocabulary term")
def unknown_vocabulary_term(t: Batch, out: Report) -> None:
    """A controlled column holds a value that is not a term of its vocabulary
    (src/chrono/model/vocab.py, docs/data-model.md)."""
    for col in t.spec.columns:
        if col.kind != "vocab" or not t.has(col.name):
            continue
        terms = pa.array(vocabulary_terms(col, t.vocabularies), pa.string())
        chunks = t.data.column(col.name).chunks
        masks: list[pa.Array | None] = []  # None: every value of the chunk is a term
        for chunk in chunks:
            if pa.types.is_dictionary(chunk.type):
                dictionary = chunk.dictionary.cast(pa.string())
                bad = pc.indices_nonzero(pc.invert(pc.is_in(dictionary, value_set=terms)))
                masks.append(
                    pc.fill_null(pc.is_in(chunk.indices, value_set=bad.cast(pa.int32())), False)
                    if len(bad)
                    else None
                )
            else:
                masks.append(
                    pc.and_(
                        pc.is_valid(chunk),
                        pc.invert(pc.fill_null(pc.is_in(chunk, value_set=terms), True)),
                    )
                )
        if all(m is None for m in masks):
            continue  # the dictionaries hold terms only
        mask = pa.chunked_array(
            [
                from_bools(np.zeros(len(c), bool)) if m is None else m
                for m, c in zip(masks, chunks, strict=True)
            ],
            pa.bool_(),
        )
        assert col.vocabulary is not None
        allowed = ", ".join(t.vocabularies.terms(col.vocabulary))
        emit(
            out,
            "CHR501",
            t,
            mask,
            col.name,
            _not_a_term(col.name, col.vocabulary, allowed),
        )


def _not_a_term(name: str, vocabulary: str, allowed: str) -> Message:
    return lambda r: f"{r[name]!r} is not a term of the {vocabulary} vocabulary ({allowed})"
