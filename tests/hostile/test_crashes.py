"""Errors that once fell to the catch-all ("unexpected ..."): each has its own one-line
message and exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import chrono
from chrono.cli import main
from harness import chrono as run
from harness import copy_mini


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """``chrono list | head -1``: the reader went away; no message, 128 + SIGPIPE."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    code = "import sys; from chrono.cli import main; sys.exit(main())"
    proc = subprocess.run(
        [sys.executable, "-c", code, "list"], stdout=write, stderr=subprocess.PIPE, timeout=60
    )
    os.close(write)
    assert (proc.returncode, proc.stderr) == (141, b"")


def test_a_pipe_closed_by_head(tmp_path: Path) -> None:
    ds = " ".join([str(copy_mini(tmp_path))] * 2000)  # enough lines to fill the pipe
    code = "import sys; from chrono.cli import main; sys.exit(main())"
    script = f'{sys.executable} -c "{code}" list {ds} | head -1; echo "${{PIPESTATUS[0]}}" >&2'
    proc = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stdout == "mini 1.0.0  Mini test chronology\n"
    assert proc.stderr == "141\n"


def test_a_nul_byte_in_a_path() -> None:
    report = chrono.validate("a\0b")
    assert report.fatal == "'a\\x00b': a NUL byte in a path"
    r = CliRunner().invoke(main, ["validate", "--sources", "x\0y", "tests/data/mini"])
    assert (r.exit_code, r.stderr) == (3, "Error: a NUL byte in a path\n")


@pytest.mark.parametrize(
    "licenses", ["CC-BY-4.0", 7, [{"path": "LICENSE"}, "MIT", None, {"x": 1}], {"name": "X"}]
)
def test_info_reads_any_licenses(tmp_path: Path, licenses: object) -> None:
    ds = copy_mini(tmp_path)
    desc = json.loads((ds / "datapackage.json").read_text())
    desc["licenses"] = licenses
    desc["resources"][0]["rows"] = {"not": "a number"}
    (ds / "datapackage.json").write_text(json.dumps(desc))
    r = CliRunner().invoke(main, ["info", "-d", str(ds)])
    assert r.exit_code == 0 and r.stderr == ""
    assert CliRunner().invoke(main, ["list", str(ds)]).exit_code == 0


def test_a_descriptor_symlink_loop_and_a_dataset_that_is_a_file(tmp_path: Path) -> None:
    ds = copy_mini(tmp_path)
    (ds / "datapackage.json").unlink()
    (ds / "datapackage.json").symlink_to("datapackage.json")
    run("validate", str(ds)).clean(3, "datapackage.json: a symlink loop")
    run("list", str(ds)).clean(3, "a symlink loop")
    run("show", "x", "-d", str(ds)).clean(3, "a symlink loop")
    (tmp_path / "plain").write_text("x")
    run("validate", str(tmp_path / "plain")).clean(
        3, f"{tmp_path / 'plain'}: a file, not a dataset directory or datapackage.json"
    )
    for command in (["validate"], ["info"], ["show", "meeting-2020"], ["coverage"]):
        got = CliRunner().invoke(main, [*command, str(ds / "dataset.yaml")])
        assert (got.exit_code, got.stdout) == (3, "")
        assert got.stderr == (
            f"Error: {ds / 'dataset.yaml'}: a file, not a dataset directory or "
            f"datapackage.json; its folder {ds} is the dataset\n"
        )


def test_a_summary_file_that_cannot_be_written(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["validate", "tests/data/mini", "--summary", "/dev/full"])
    assert r.exit_code == 3
    assert r.stderr == "Error: --summary /dev/full: cannot write (No space left on device)\n"


def test_an_os_error_no_command_expected_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import chrono.cli.core as core

    def boom(*args: object, **kw: object) -> None:
        raise IsADirectoryError(21, "Is a directory", "/some/where")

    monkeypatch.setattr(core, "dataset_dirs", boom)
    r = CliRunner().invoke(main, ["list"])
    assert (r.exit_code, r.stderr) == (3, "Error: /some/where: a directory, not a file\n")


CLI = "import sys; from chrono.cli import main; sys.exit(main())"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_an_export_to_standard_output_that_cannot_be_written_is_an_error() -> None:
    """export -o -: a full disk is an error (exit 3), never 'wrote' over half a file; a
    closed standard output is named; the reader of a pipe going away is 141, quietly."""
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, "-c", CLI, "export", "json", "-o", "-"],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
        )  # fmt: skip
    assert (proc.returncode, proc.stderr) == (
        3, "Error: -o -: standard output: cannot write (no space left on device)\n",
    )  # fmt: skip
    proc = subprocess.run(
        ["bash", "-c", f'{sys.executable} -c "{CLI}" export json -o - >&-'],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    closed = "Error: standard output is closed (to silence chrono, send it to /dev/null)\n"
    assert (proc.returncode, proc.stderr) == (2, closed)
    proc = subprocess.run(
        ["bash", "-c", f'{sys.executable} -c "{CLI}" list >&-'],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (proc.returncode, proc.stderr) == (2, closed)  # not exit 0 with its lines lost
    read, write = os.pipe()
    os.close(read)
    proc = subprocess.run(
        [sys.executable, "-c", CLI, "export", "json", "-o", "-"],
        stdout=write, stderr=subprocess.PIPE, timeout=120,
    )  # fmt: skip
    os.close(write)
    assert (proc.returncode, proc.stderr) == (141, b"")


def test_an_interrupt_is_one_line_whatever_is_left_mid_way(tmp_path: Path) -> None:
    """Ctrl-C in a writer (openpyxl's lxml generators complain as they are collected at
    exit): 'Error: interrupted', exit 130, and nothing else on stderr."""
    code = (
        "import sys\n"
        "import chrono.views.export as ex\n"
        "from chrono.cli import main\n"
        "class Unfinished:\n"
        "    def __del__(self):\n"
        "        raise RuntimeError('not in an element')\n"
        "def interrupted(*args, **kwargs):\n"
        "    global left\n"
        "    left = Unfinished()\n"
        "    raise KeyboardInterrupt\n"
        "ex.export = interrupted\n"
        f"sys.exit(main(['export', 'json', '-o', {str(tmp_path / 'x.json')!r}]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (130, "Error: interrupted\n")
