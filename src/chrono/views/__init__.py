"""Views of a chronology: a timeline figure, a self-contained web page, and exports.

- :func:`chrono.views.timeline.plot` draws events at their true precision (``chrono plot``);
- :func:`chrono.views.site.write_site` writes one offline HTML page (``chrono site``);
- :mod:`chrono.views.export` writes the formats other tools read (``chrono export``).

Every module imports its heavy dependencies (matplotlib, openpyxl, icalendar) inside the
functions that need them: a missing optional extra is reported by
:class:`chrono.views.deps.MissingExtra` with the one ``pip install`` line that fixes it.
Details: docs/views.md.
"""

from __future__ import annotations

from chrono.views import export

__all__ = ["export"]
