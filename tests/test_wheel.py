"""The wheel carries the data: build it, install it in a fresh venv, load from outside."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def test_wheel_installs_and_loads_events_outside_the_checkout(tmp_path: Path) -> None:
    pytest.importorskip("build")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("chrono_data-*.whl")
    import zipfile

    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        headers = zf.read(meta).decode().split("\n\n", 1)[0].splitlines()
    # both licences: the code's and the bundled data's
    assert "License-Expression: MIT AND CC-BY-4.0" in headers
    assert {h for h in headers if h.startswith("License-File:")} == {
        "License-File: LICENSE",
        "License-File: LICENSE-DATA",
    }

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    fresh_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The fresh venv gets chrono from the wheel only; its dependencies (pandas, pyarrow, ...)
    # come from this interpreter's site-packages, appended after its own, with no network.
    Path(fresh_site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = (
        "import chrono, pathlib, sys\n"
        "events = chrono.load('events')\n"
        "print(pathlib.Path(chrono.__file__).is_relative_to(pathlib.Path(sys.argv[1])))\n"
        "print(chrono.list_datasets())\n"
        "print(len(events) > 0, str(events['earliest'].dtype))\n"
    )
    out = subprocess.run(
        [str(python), "-c", probe, fresh_site], cwd=outside, env=env, capture_output=True,
        text=True,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "True",
        "['russia-china-summits']",
        "True datetime64[s]",
    ]
    cli = subprocess.run(
        [str(env_dir / "bin" / "chrono"), "list"], cwd=outside, env=env,
        capture_output=True, text=True,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.startswith("russia-china-summits 0.2.0  Russia–China summit diplomacy\n")
    valid = subprocess.run(
        [str(env_dir / "bin" / "chrono"), "validate"], cwd=outside, env=env,
        capture_output=True, text=True,
    )  # fmt: skip
    assert valid.returncode == 0, valid.stdout + valid.stderr
    # the page's template, style and script travel in the wheel as package data
    site = subprocess.run(
        [str(env_dir / "bin" / "chrono"), "site", "-o", str(outside / "site")], cwd=outside,
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert site.returncode == 0, site.stderr
    assert "Content-Security-Policy" in (outside / "site" / "index.html").read_text()
