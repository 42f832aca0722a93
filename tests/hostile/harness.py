"""Running chrono on hostile input: in a subprocess, with a timeout and a memory limit.

Each case runs ``chrono ...`` in a fresh Python process whose address space is capped
(``RLIMIT_AS``) and which is killed after a timeout, so a hang or a memory blow-up fails the
test instead of the test run. ``Tree`` snapshots a folder to prove nothing changed.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from conftest import MINI

#: Limits of one case: generous for the mini dataset (~0.6 s; thread stacks reserve address
#: space, ~2 GiB with older numpy and pyarrow), tight for a hang or a blow-up (4.5 GiB asked).
TIMEOUT = 60.0
MEMORY = 3 << 30


#: One line of the build's problem list.
PROBLEM = re.compile(r"^[^\x00-\x1f]+: CHR\d{3} [^\x00-\x1f]*$|^\.\.\. and \d+ more")


@dataclass
class Result:
    code: int
    out: str
    err: str
    seconds: float

    def clean(self, code: int, fragment: str = "") -> Result:
        """Exit ``code``; stderr empty, or one ``Error:`` line holding ``fragment`` (after
        the build's problem lines, ``path:line:col: CHRnnn message``, one per problem)."""
        assert self.code == code, (self.code, self.out[-2000:], self.err)
        assert "Traceback" not in self.err and "CHRONO_DEBUG" not in self.err, self.err
        if self.err or fragment:
            *problems, last = self.err.split("\n")[:-1] or [""]
            assert last.startswith("Error: ") and self.err.endswith("\n"), self.err
            assert all(PROBLEM.match(p) for p in problems), self.err
            assert fragment in self.err, (fragment, self.err)
        return self


def _limits(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def chrono(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
    memory: int = MEMORY,
) -> Result:
    """``chrono args...`` in a subprocess (stdin closed), bounded in time and memory."""
    code = "import sys; from chrono.cli import main; sys.exit(main())"
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
        preexec_fn=lambda: _limits(memory),
    )
    return Result(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
        time.monotonic() - start,
    )


def copy_mini(where: Path, name: str = "mini") -> Path:
    target = where / name
    shutil.copytree(MINI, target)
    return target


class Tree:
    """The state of every entry under a folder: type, target of a symlink, bytes' hash."""

    def __init__(self, root: Path, skip: Path | None = None) -> None:
        self.root, self.skip = root, skip
        self.state = self._read()

    def _read(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for dirpath, dirnames, filenames in os.walk(self.root):
            here = Path(dirpath)
            if self.skip is not None and (here == self.skip or self.skip in here.parents):
                dirnames[:] = []
                continue
            for name in dirnames + filenames:
                path = here / name
                if self.skip is not None and path == self.skip:
                    continue
                st = path.lstat()
                rel = str(path.relative_to(self.root))
                if stat.S_ISLNK(st.st_mode):
                    out[rel] = "link:" + os.readlink(path)
                elif stat.S_ISREG(st.st_mode):
                    out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
                else:
                    out[rel] = f"mode:{stat.S_IFMT(st.st_mode)}"
        return out

    def unchanged(self) -> None:
        now = self._read()
        changed = sorted(k for k in {*now, *self.state} if now.get(k) != self.state.get(k))
        assert not changed, f"changed under {self.root}: {changed}"


def build_state(dataset: Path) -> dict[str, str]:
    """The built files of a dataset (descriptor and data/), to prove a build left them."""
    files = [dataset / "datapackage.json", *sorted((dataset / "data").iterdir())]
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "other"
        for p in files
        if p.exists() or p.is_symlink()
    }
