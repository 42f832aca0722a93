"""Which rules run on a table's batches, and what the engine keeps of each table, from what
the rules declare (:class:`~chrono.validation.registry.Needs`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from chrono.model.tables import TABLES, Table
from chrono.validation.batch import Batch
from chrono.validation.registry import KEPT_COLUMNS, Rule, catalogue
from chrono.validation.report import Report
from chrono.validation.state import Keeper, Run


class Check(Protocol):
    """A rule as the engine runs it on one table."""

    def batch(self, t: Batch, out: Report) -> None: ...

    def finish(self, out: Report) -> None: ...


@dataclass
class PerBatch:
    """A rule without state: run on each batch, in any order."""

    fn: Callable[[Batch, Report], None]

    def batch(self, t: Batch, out: Report) -> None:
        self.fn(t, out)

    def finish(self, out: Report) -> None:
        pass


def _applies(rule: Rule, table: str, present: set[str]) -> bool:
    """The rule sees ``table``'s rows, and the tables it keeps are in the dataset."""
    needs = rule.needs
    if rule.kind == "reader" or needs.table not in (None, table):
        return False
    return all(name in present for name in needs.keeps)


def checks(run: Run, spec: Table, present: set[str]) -> list[Check]:
    """The rules to run on the batches of ``spec``, in code order."""
    out: list[Check] = []
    for rule in catalogue().values():
        if not _applies(rule, spec.name, present):
            continue
        if rule.kind == "batch":
            out.append(PerBatch(rule.check))
        else:
            out.append(rule.check(run, spec))
    return out


def referenced() -> set[str]:
    """The tables that foreign keys reference (their ids are kept for lookups)."""
    return {fk.table for spec in TABLES.values() for fk in spec.foreign_keys}


def keeper(run: Run, reader: Any) -> Keeper | None:
    """What to keep of a table while it is read (None: nothing, it is only streamed)."""
    spec: Table = reader.spec
    columns: set[str] = set()
    for rule in catalogue().values():
        columns.update(rule.needs.keeps.get(spec.name, ()))
    if spec.name in referenced():
        columns.add("id")
    sparse = {
        fk.columns[0] for fk in spec.foreign_keys if fk.table == spec.name and len(fk.columns) == 1
    }
    if not columns and not sparse:
        return None
    derived = {
        name: fn
        for (table, name), fn in KEPT_COLUMNS.items()
        if table == spec.name and name in columns
    }
    plain = {c for c in columns if c in spec.column_names}
    return Keeper(
        spec,
        reader.path,
        plain | sparse,
        derived=derived,
        sparse=sparse,
        vocabularies=run.vocabularies,
    )
