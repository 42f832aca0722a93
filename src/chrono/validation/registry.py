"""The registry of validation rules: a rule is declared where it is implemented.

Each module of :mod:`chrono.validation.rules` holds one family. A rule is one decorated
function (or class) whose docstring is the rule's explanation; the decorator carries the
code, severity, title and what the rule needs: the table whose rows it sees, the columns of
the tables read before it that must be kept (its cross-table state), and the references it
follows. The engine schedules rules by those declarations; ``chrono rules``, ``chrono
validate --explain``, the catalogue in docs/validate.md and the report schema's list of
codes are generated from the registry (:func:`catalogue`).

- :func:`per_batch`: a function ``check(batch, out)`` run on every batch of rows of its
  table (a batch is one Parquet row group, or a whole table); no state between batches.
- :func:`per_table`: a class ``Check(run)`` with ``batch(batch, out)`` for every batch and
  ``finish(out)`` after the last; what it keeps between batches is its own.
- :func:`declare`: a rule found while the dataset is opened and read (a missing table, a
  sha256 mismatch...); its module holds the function the reader calls.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

ERROR: Final = "error"
WARNING: Final = "warning"

#: The families, in catalogue order: CHR1xx structure, CHR2xx keys, CHR3xx dates, CHR4xx
#: provenance, CHR5xx vocabularies, CHR6xx integrity, CHR7xx duplicates, CHR8xx quotes.
FAMILIES: Final = {
    "1": "structure",
    "2": "keys",
    "3": "dates",
    "4": "provenance",
    "5": "vocabularies",
    "6": "integrity",
    "7": "likely duplicates",
    "8": "quotes",
}


@dataclass(frozen=True)
class Needs:
    """What a rule reads.

    ``table``: the table whose rows it sees (None: every table). ``keeps``: columns of
    tables read before it, or of itself, that the engine keeps whole for the rule (the
    per-key state of the cross-table rules): a column of the model, or one that
    :func:`kept_column` derives. ``refs``: foreign-key columns of ``table`` the rule follows
    to the rows they reference.
    """

    table: str | None = None
    keeps: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    refs: tuple[str, ...] = ()

    def describe(self) -> str:
        """In words, for the catalogue."""
        parts = [f"rows of {self.table}" if self.table else "rows of every table"]
        if self.refs:
            parts.append(f"follows {', '.join(self.refs)}")
        for name, cols in self.keeps.items():
            parts.append(f"keeps {name}.{{{', '.join(cols)}}}")
        return "; ".join(parts)


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str
    explanation: str
    #: the module that implements it
    module: str = ""
    needs: Needs = field(default_factory=Needs)
    #: per_batch / per_table: the function or class the engine runs; None: the reader's
    check: Any = field(default=None, compare=False, repr=False)
    kind: str = "reader"  # reader | batch | table


_RULES: dict[str, Rule] = {}


def _register(rule: Rule) -> Rule:
    if rule.code in _RULES:
        raise ValueError(f"rule code {rule.code} declared twice")
    if rule.severity not in (ERROR, WARNING):
        raise ValueError(f"{rule.code}: severity {rule.severity!r}")
    _RULES[rule.code] = rule
    return rule


def explanation(doc: str | None) -> str:
    """A docstring as one paragraph of text (``--explain`` refills it)."""
    return " ".join(inspect.cleandoc(doc or "").split())


def declare(code: str, severity: str, title: str, text: str) -> Rule:
    """A rule that the dataset reader finds; its module holds the reader's check."""
    frame = inspect.currentframe()
    caller = frame.f_back if frame is not None else None
    module = caller.f_globals.get("__name__", "") if caller is not None else ""
    return _register(Rule(code, severity, title, explanation(text), module))


F = TypeVar("F", bound=Callable[..., Any])


def _decorator(kind: str, code: str, severity: str, title: str, needs: Needs) -> Callable[[F], F]:
    def wrap(check: F) -> F:
        rule = Rule(
            code,
            severity,
            title,
            explanation(check.__doc__),
            check.__module__,
            needs,
            check,
            kind,
        )
        _register(rule)
        check.rule = rule  # type: ignore[attr-defined]
        return check

    return wrap


def per_batch(
    code: str,
    severity: str,
    title: str,
    *,
    table: str | None = None,
    keeps: Mapping[str, tuple[str, ...]] | None = None,
    refs: tuple[str, ...] = (),
) -> Callable[[F], F]:
    """A rule checked on each batch of ``table`` (every table when None)."""
    return _decorator("batch", code, severity, title, Needs(table, dict(keeps or {}), refs))


def per_table(
    code: str,
    severity: str,
    title: str,
    *,
    table: str | None = None,
    keeps: Mapping[str, tuple[str, ...]] | None = None,
    refs: tuple[str, ...] = (),
) -> Callable[[F], F]:
    """A rule with state across the batches of ``table`` (every table when None)."""
    return _decorator("table", code, severity, title, Needs(table, dict(keeps or {}), refs))


#: Columns kept of a table that are computed from its batches: (table, name) -> function.
KEPT_COLUMNS: dict[tuple[str, str], Callable[..., Any]] = {}


def kept_column(table: str, name: str) -> Callable[[F], F]:
    """A column computed from each batch of ``table`` (``fn(batch) -> array or None``, None
    when the batch lacks what it needs) that rules may ask the engine to keep."""

    def wrap(fn: F) -> F:
        KEPT_COLUMNS[(table, name)] = fn
        return fn

    return wrap


def catalogue() -> dict[str, Rule]:
    """Every rule, by code (in code order)."""
    import chrono.validation.rules  # noqa: F401  (its modules declare the rules)

    return {code: _RULES[code] for code in sorted(_RULES)}


def get(code: str) -> Rule:
    """The rule with ``code`` (case-insensitive); KeyError when there is none."""
    return catalogue()[code.strip().upper()]


def severity(code: str) -> str:
    return catalogue()[code].severity
