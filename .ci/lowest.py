"""Print pip constraints pinning every dependency pyproject.toml declares to its floor.

``name>=X`` becomes ``name==X`` for the run-time dependencies and the extras named on the
command line (default: test), so CI can install the lowest versions chrono claims to
support and run the tests against them. A requirement without a floor is left free.

    python .ci/lowest.py test > lowest.txt && pip install -c lowest.txt -e ".[test]"
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

FLOOR = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*>=\s*([^,;\s]+)")


def constraints(pyproject: Path, extras: list[str]) -> list[str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project.get("optional-dependencies", {}).get(extra, [])
    pins: dict[str, str] = {}
    for req in requirements:
        m = FLOOR.match(req)
        if m is not None:
            name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
            pins[name] = m.group(3)
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    print("\n".join(constraints(root / "pyproject.toml", sys.argv[1:] or ["test"])))
