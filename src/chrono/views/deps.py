"""Optional dependencies: which extra brings which library, and the one-line message."""

from __future__ import annotations

import importlib
from types import ModuleType

#: The extra of ``chrono-data`` that installs each optional library.
EXTRA_OF = {
    "matplotlib": "plot",
    "openpyxl": "export",
    "icalendar": "export",
}


class MissingExtra(ImportError):
    """An optional library is not installed; the message names the extra to install."""


def require(module: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtra` naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        extra = EXTRA_OF.get(top, "all")
        raise MissingExtra(f"{top} is not installed: pip install 'chrono-data[{extra}]'") from None
