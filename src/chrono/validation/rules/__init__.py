"""The validation rules, one module per family; each rule is declared where it is
implemented (:mod:`chrono.validation.registry`).

>>> from chrono.validation.rules import RULES
>>> RULES["CHR201"].title
'duplicate primary key'
"""

from __future__ import annotations

from typing import Final

from chrono.validation.registry import ERROR, WARNING, Rule, catalogue, get
from chrono.validation.rules import (  # noqa: F401  (each module declares its rules)
    curated,
    dates,
    duplicates,
    integrity,
    keys,
    parents,
    patterns,
    provenance,
    publication,
    quotes,
    structure,
    vocabularies,
)

RULES: Final[dict[str, Rule]] = catalogue()

__all__ = ["ERROR", "RULES", "WARNING", "Rule", "get"]
