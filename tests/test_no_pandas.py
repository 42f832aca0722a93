"""`chrono validate` and `chrono build` never import pandas (pyarrow would, 0.2-0.3 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUNDLED, ROOT, SHARED_SOURCES

# the CLI in a fresh interpreter; at exit, whether pandas was imported (the last line)
RUN = """
import atexit, sys
atexit.register(lambda: print("pandas imported:", "pandas" in sys.modules))
from chrono.cli import main
main()
"""


def cli(*args: str | Path) -> tuple[int, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", RUN, *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    return out.returncode, out.stdout.splitlines()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "github"])
def test_validate_bundled_never_imports_pandas(fmt: str) -> None:
    code, lines = cli("validate", "--format", fmt, BUNDLED)
    assert code == 0
    assert lines[-1] == "pandas imported: False"
    if fmt == "json":
        assert json.loads("\n".join(lines[:-1]))["valid"] is True


@pytest.mark.slow
def test_validate_with_sources_never_imports_pandas() -> None:
    mini = "tests/data/mini"  # its quotes are checked against its gazette.txt
    assert cli("validate", "--sources", mini, mini) == (
        0,
        ["mini (tests/data/mini): valid: 0 errors, 0 warnings", "pandas imported: False"],
    )


@pytest.mark.slow
def test_validate_bundled_with_sources_never_imports_pandas() -> None:
    # the bundled dataset's source texts are kept outside the repository
    where = Path(os.environ.get("CHRONO_SHARED_SOURCES", SHARED_SOURCES))
    if not where.is_dir():
        pytest.skip(f"no source texts at {where} (set CHRONO_SHARED_SOURCES)")
    code, lines = cli("validate", "--sources", where, BUNDLED)
    assert code == 0
    assert lines[-1] == "pandas imported: False"


@pytest.mark.slow
def test_build_check_never_imports_pandas() -> None:
    code, lines = cli("build", "--check", "datasets/russia-china-summits")
    assert code == 0
    assert lines[0].startswith("datasets/russia-china-summits: up to date (6 tables, ")
    assert lines[1:] == ["pandas imported: False"]


def test_library_still_gets_pandas_after_the_cli_hid_it() -> None:
    code = (
        "from chrono.cli.common import without_pandas\n"
        "without_pandas()\n"
        "import sys; assert 'pandas' not in sys.modules\n"
        "import chrono\n"
        "df = chrono.load('events', 'tests/data/mini')\n"
        "print(type(df).__module__.split('.')[0], len(df), df['precision'].dtype)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout == "pandas 3 category\n"
