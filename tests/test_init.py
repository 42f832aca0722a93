"""`chrono init`: a scaffold that builds and validates at once, and never overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from chrono.cli import main
from chrono.model.curated_schema import KINDS


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_init_builds_and_validates_at_once(tmp_path: Path) -> None:
    target = tmp_path / "My Chronology"
    code, out, err = run("init", str(target))
    assert (code, err) == (0, "")
    assert out.splitlines()[:10] == [
        f"wrote {target}/dataset.yaml",
        f"wrote {target}/sources.yaml",
        f"wrote {target}/actors.yaml",
        f"wrote {target}/places.yaml",
        f"wrote {target}/events/first-event.yaml",
        *(f"wrote {target}/schemas/{kind}.schema.json" for kind in KINDS),
    ]
    assert out.splitlines()[10] == "Next:"
    assert (
        (target / "events" / "first-event.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=../schemas/event.schema.json\n")
    )
    assert "name: my-chronology\n" in (target / "dataset.yaml").read_text()
    # before the first build, what reads the tables says what to do
    assert run("show", "first-event", "-d", str(target)) == (
        3,
        "",
        f"Error: {target}/datapackage.json: not found: the dataset is not built yet "
        f"(run: chrono build {target})\n",
    )
    # validate names it as the build will (dataset.yaml's name), before the build too
    code, out, err = run("validate", str(target))
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == f"my-chronology ({target}): invalid: 1 error, 0 warnings"
    code, out, err = run("build", str(target))
    assert (code, err) == (0, "")
    assert run("validate", "--strict", str(target))[0] == 0


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    code, out, err = run("init", str(tmp_path))
    assert (code, out) == (1, "")
    assert err == (
        f"Error: {tmp_path}: not empty; chrono init writes a new dataset into a new or empty "
        "folder\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    assert run("init", str(target)) == (
        1,
        "",
        f"Error: {target}: exists and is not a folder\n",
    )


def test_validate_names_a_dataset_without_a_name_by_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "My Chronology"
    assert run("init", str(target))[0] == 0
    meta = target / "dataset.yaml"
    meta.write_text(meta.read_text().replace("name: my-chronology\n", ""))
    monkeypatch.chdir(target / "events")
    code, out, _ = run("validate", "..")
    assert code == 1
    assert out.splitlines()[0].startswith("My Chronology (..): invalid: ")
    monkeypatch.chdir(target)
    assert run("validate", ".")[1].splitlines()[0].startswith("My Chronology (.): invalid: ")
