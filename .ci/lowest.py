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
    optional = project.get("optional-dependencies", {})
    requirements = list(project["dependencies"])
    todo, seen = list(extras), set()
    while todo:  # an extra may name others of the project's own: chrono-data[plot,export]
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for req in optional.get(extra, []):
            own = re.match(rf"^\s*{re.escape(project['name'])}\[([^\]]*)\]", req)
            if own:
                todo += [e.strip() for e in own.group(1).split(",")]
            else:
                requirements.append(req)
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
