"""``import chrono.export``: the exports of :mod:`chrono.views.export` by the name the docs use
(``chrono.export.to_csv(...)``); this module is that module.

>>> import chrono.export
>>> import chrono.views.export
>>> chrono.export is chrono.views.export
True
"""

import sys

from chrono.views import export

sys.modules[__name__] = export
