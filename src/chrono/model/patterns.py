"""Regular expressions the schemas publish, and checks that other languages can run them.

The model's patterns (:mod:`chrono.model.tables`) are Python regular expressions anchored
with ``^...$``. Two schema languages carry them elsewhere:

- JSON Schema ``pattern`` is an ECMA-262 regular expression, searched (not matched): the
  anchors stay, and Python-only syntax (``(?P<name>``, ``\\A``, ``\\Z``, inline flags,
  possessive quantifiers...) cannot be expressed.
- Frictionless Table Schema ``constraints.pattern`` follows XML Schema regular expressions,
  which always match the whole value and have no anchors, groups that do not capture,
  lookaround, lazy quantifiers or back-references.

:func:`ecma` and :func:`xsd` return the pattern for each language or raise
:class:`SchemaError` saying which construct the language lacks, so a model change that a
schema cannot carry fails the generation with a message naming the column.

:data:`EDTF` is the syntax of the EDTF dates :func:`chrono.model.dates.parse` accepts,
written with plain groups so it is valid in Python, ECMA-262 and XML Schema alike. What a
regular expression cannot check is left to the parser: that a day exists in its year
(``1900-02-29``), that an interval does not end before it starts, and the year range of
Arrow ``date32`` (``Y99999999``).
"""

from __future__ import annotations

import re
from typing import Final


class SchemaError(ValueError):
    """Part of the model that a schema language cannot express; the message says which."""


_MONTH_DAY: Final = (
    "(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
    "|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
    "|02-(0[1-9]|[12][0-9])"
    "|(0[1-9]|1[0-2])-XX"
    "|XX-XX"
)
_MONTH: Final = "0[1-9]|1[0-2]|2[1-4]|XX"  # months, seasons 21-24, unspecified
_YEAR: Final = "[0-9]{4}|-([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"  # not -0000
_X_YEAR: Final = "-?([0-9]{3}X|[0-9]{2}XX|[0-9]XXX|XXXX)"  # unspecified digits: no month
_SINGLE: Final = f"(Y-?[1-9][0-9]{{4,}}|{_X_YEAR}|({_YEAR})(-({_MONTH_DAY}|{_MONTH}))?)[?~%]?"
#: An EDTF date, or an interval whose ends are dates, ``..`` (open) or empty (unknown), at
#: least one of them a date; as chrono supports them (anchored).
EDTF: Final = rf"^({_SINGLE}(/({_SINGLE}|\.\.)?)?|(\.\.)?/{_SINGLE})$"

#: Text a curator types: not empty, no white space at either end (ECMA-262 ``$`` is the end).
NOT_PADDED: Final = r"^\S([\s\S]*\S)?$"

#: A number as Python's ``float()`` reads it (without ``inf``/``nan``).
DECIMAL: Final = r"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$"

# Constructs each language lacks: (regular expression finding it, what it is).
_PYTHON_ONLY: Final = (
    (r"\(\?P", "named groups (?P...)"),
    (r"\(\?[aiLmsux]", "inline flags (?i)..."),
    (r"\(\?#", "comments (?#...)"),
    (r"\(\?>", "atomic groups (?>...)"),
    (r"\\[AZz]", r"the anchors \A, \Z"),
    (r"(?<!\\)[*+?}]\+", "possessive quantifiers"),
)
_NOT_XSD: Final = (
    (r"\(\?", "groups with (?...) (non-capturing, lookaround, named, flags)"),
    (r"\\[bBAZz]", r"the anchors \b, \A, \Z"),
    (r"\\[1-9]", "back-references"),
    (r"(?<!\\)[*+?}]\?", "lazy quantifiers"),
    (r"(?<!\\)[$^]", "anchors ^ and $ inside the expression"),
)


def _unsupported(pattern: str, rules: tuple[tuple[str, str], ...]) -> str | None:
    body = _strip_classes(pattern)
    for rx, what in rules:
        if re.search(rx, body):
            return what
    return None


def _strip_classes(pattern: str) -> str:
    """The pattern with each character class replaced by ``C`` (their insides are literal)."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif ch == "[":
            j = i + 1
            if j < len(pattern) and pattern[j] == "^":
                j += 1
            if j < len(pattern) and pattern[j] == "]":
                j += 1
            while j < len(pattern) and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            out.append("C")
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def ecma(where: str, pattern: str) -> str:
    """``pattern`` for JSON Schema (ECMA-262), or :class:`SchemaError` naming ``where``."""
    _compiles(where, pattern)
    what = _unsupported(pattern, _PYTHON_ONLY)
    if what:
        raise SchemaError(
            f"{where}: pattern {pattern!r} uses {what}, which JSON Schema (ECMA-262) "
            "regular expressions cannot express"
        )
    return pattern


def xsd(where: str, pattern: str) -> str:
    """``pattern`` for Table Schema (XML Schema: whole-value match, no anchors)."""
    _compiles(where, pattern)
    if not (pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$")):
        raise SchemaError(
            f"{where}: pattern {pattern!r} is not anchored with ^...$; Table Schema patterns "
            "match whole values, so an unanchored search cannot be expressed"
        )
    body = _plain_groups(pattern[1:-1])
    what = _unsupported(body, _NOT_XSD)
    if what:
        raise SchemaError(
            f"{where}: pattern {pattern!r} uses {what}, which Table Schema (XML Schema) "
            "regular expressions cannot express"
        )
    return body


def _plain_groups(pattern: str) -> str:
    """``(?:...)`` as ``(...)``: the same match, in a syntax XML Schema has."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif not in_class and pattern.startswith("(?:", i):
            out.append("(")
            i += 3
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _compiles(where: str, pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise SchemaError(
            f"{where}: pattern {pattern!r} is not a regular expression ({exc})"
        ) from None


def python(pattern: str) -> re.Pattern[str]:
    """Compile a schema's ECMA-262 pattern for Python's ``re.search`` with ECMA's meaning.

    Python's ``$`` also matches before a final newline; ECMA-262's does not, so each ``$``
    outside a character class becomes ``\\Z``.
    """
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append("\\Z" if ch == "$" and not in_class else ch)
        i += 1
    return re.compile("".join(out))
