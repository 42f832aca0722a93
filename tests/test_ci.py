"""CI that cannot pass by mistake: the GitHub Action's script and the pre-commit hook's entry,
run as their runners run them, in scratch repositories: a valid dataset passes, a broken
one fails with its findings, and a repository without datasets fails with a clear message
(chrono's bundled datasets are never validated instead).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from chrono.cli import main
from conftest import MINI, ROOT, table_file
from test_diff_git import git
from test_diff_helpers import mutate

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BIN = Path(sys.executable).parent  # where this environment's chrono is
NO_DATASET = (
    "no dataset found in {where}: no folder holds a dataset.yaml or datapackage.json "
    "(searched as git sees it, skipping hidden folders, node_modules and virtual "
    "environments); name the dataset folders to validate"
)


def scratch_repo(path: Path, *datasets: str, broken: str | None = None) -> Path:
    """A git repository with copies of the mini dataset under ``datasets/``.

    ``broken``: that dataset's claims cite a source that does not exist (its Parquet is
    rewritten; it has no curated YAML, so its findings are the Parquet's).
    """
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    for name in datasets:
        target = path / "datasets" / name
        if name == broken:
            mutate(MINI, target, _dangling_source)
        else:
            shutil.copytree(MINI, target)
    # an installed chrono inside the repository (a virtual environment that is not
    # ignored): its bundled dataset must never be taken for the repository's
    bundled = path / "venv" / "lib" / "python3.11" / "site-packages" / "chrono" / "_datasets"
    shutil.copytree(MINI, bundled / "russia-china-summits")
    (path / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (path / "README.md").write_text("A research repository.\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "data")
    return path


def _dangling_source(rows: dict[str, list[dict[str, Any]]]) -> None:
    for claim in rows["claims"]:
        if claim["id"] == "meeting-2019/date/gazette-2020-05-01/paragraph-2":
            claim["source_id"] = "no-such-source"


# --------------------------------------------------------------------------- the Action


def action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text())
    return loaded


def render(text: str, inputs: dict[str, str]) -> str:
    """Evaluate the ``${{ }}`` expressions the action uses, as the runner would."""

    def value(m: re.Match[str]) -> str:
        expr = m.group(1).strip()
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        if expr == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"the test does not evaluate ${{{{ {expr} }}}}: add it")

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def run_action(
    repo: Path, tmp_path: Path, *, without: tuple[str, ...] = (), **given: str
) -> tuple[int, str, str, str, list[list[str]]]:
    """Run the action's steps with bash in ``repo``, as a GitHub runner does.

    Returns the exit status of the first failing step (or 0), the steps' stdout and stderr,
    the job summary, and the commands the steps ran through ``python`` (the install step:
    a stand-in records it instead of installing).
    """
    spec = action()
    inputs = {name: str(i.get("default", "")) for name, i in spec["inputs"].items()}
    assert set(given) <= set(inputs), set(given) - set(inputs)
    inputs.update(given)
    shims = tmp_path / "shims"
    shims.mkdir(exist_ok=True)
    log = tmp_path / "python.log"
    shim = shims / "python"
    shim.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$*" >> "{log}"\n'
        'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then exit 0; fi\n'
        f'exec "{sys.executable}" "$@"\n'
    )
    shim.chmod(0o755)
    summary = tmp_path / "summary.md"
    summary.write_text("")
    # the chrono under test (a checkout put first on PYTHONPATH), not only the installed one
    inherited = {k: os.environ[k] for k in ("PYTHONPATH",) if k in os.environ}
    base = {
        **inherited,
        "PATH": os.pathsep.join([str(shims), str(BIN), os.environ["PATH"]]),
        "HOME": str(tmp_path),
        "GITHUB_WORKSPACE": str(repo),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_ENV": str(tmp_path / "env"),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    for name in without:  # what some runners (and act) leave unset
        base.pop(name)
    assert spec["runs"]["using"] == "composite"
    outs, errs, code = [], [], 0
    for i, step in enumerate(spec["runs"]["steps"]):
        assert step["shell"] == "bash"
        script = tmp_path / f"step{i}.sh"
        script.write_text(render(step["run"], inputs))
        env = {**base, **{k: render(str(v), inputs) for k, v in step.get("env", {}).items()}}
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
        )
        outs.append(done.stdout)
        errs.append(done.stderr)
        if done.returncode:
            code = done.returncode
            break
    calls = [line.split() for line in log.read_text().splitlines()] if log.exists() else []
    return code, "".join(outs), "".join(errs), summary.read_text(), calls


def test_action_installs_itself(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo", "mini")
    assert run_action(repo, tmp_path)[4][0] == ["-m", "pip", "install", "--quiet", str(ROOT)]
    pinned = run_action(repo, tmp_path, version="chrono-data==0.2.0")[4][-1]
    assert pinned == ["-m", "pip", "install", "--quiet", "chrono-data==0.2.0"]


def test_action_passes_on_the_repository_s_valid_dataset(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo", "mini")
    code, out, err, summary, _ = run_action(repo, tmp_path)
    assert (code, out, err) == (0, "", "")
    assert summary.splitlines()[:3] == [
        "## chrono validate",
        "",
        "### ✅ mini: valid: 0 errors, 0 warnings",
    ]


def test_action_passes_where_the_runner_gives_no_job_summary(tmp_path: Path) -> None:
    """A runner without $GITHUB_STEP_SUMMARY (act, some compatible runners): the valid
    dataset passes; no summary is written, none is asked for."""
    repo = scratch_repo(tmp_path / "repo", "mini")
    code, out, err, summary, _ = run_action(repo, tmp_path, without=("GITHUB_STEP_SUMMARY",))
    assert (code, out, err, summary) == (0, "", "", "")


def test_action_fails_on_a_broken_dataset_with_annotations(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo", "good", "bad", broken="bad")
    code, out, err, summary, _ = run_action(repo, tmp_path)
    assert (code, err) == (1, "")
    claims = table_file(repo / "datasets" / "bad", "claims").relative_to(repo).as_posix()
    assert out.splitlines() == [
        f"::error file={claims},title=CHR202::mini: "
        "claims[meeting-2019/date/gazette-2020-05-01/paragraph-2].source_id: "
        "source_id 'no-such-source' is not an id in sources",
    ]
    assert "### ❌ mini: invalid: 1 error, 0 warnings" in summary
    assert "### ✅ mini: valid: 0 errors, 0 warnings" in summary  # datasets/good


def test_action_fails_when_the_repository_has_no_dataset(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo")  # only an installed chrono's bundled data
    code, out, err, summary, _ = run_action(repo, tmp_path)
    message = NO_DATASET.format(where="the current folder")
    assert (code, out, err) == (
        3,
        f"::error title=chrono validate::{message}\n",
        f"Error: {message}\n",
    )
    assert summary == f"## chrono validate\n\n❌ {message}\n"


def test_action_with_paths_validates_only_those(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo", "good", "bad", broken="bad")
    assert run_action(repo, tmp_path, paths="datasets/good")[:3] == (0, "", "")
    code, out, _, _, _ = run_action(repo, tmp_path, paths="datasets/good datasets/bad")
    claims = table_file(repo / "datasets" / "bad", "claims").relative_to(repo).as_posix()
    assert code == 1 and out.startswith(f"::error file={claims},")


def test_action_paths_may_hold_spaces_and_glob_characters(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo", "good", "bad", broken="bad")
    odd = repo / "datasets" / "my [abbey]*"
    shutil.copytree(MINI, odd)
    # one a line: a name with spaces and glob characters is one path, taken literally
    code, out, err, summary, _ = run_action(repo, tmp_path, paths="datasets/my [abbey]*\n")
    assert (code, out, err) == (0, "", "")
    assert summary.splitlines()[2:3] == ["### ✅ mini: valid: 0 errors, 0 warnings"]
    code, out, err, summary, _ = run_action(
        repo, tmp_path, paths="datasets/good\n  datasets/my [abbey]*  \n\n"
    )
    assert (code, out, err, summary.count("### ✅ mini")) == (0, "", "", 2)
    # separated by spaces (the documented form): never glob-expanded
    code, out, err, _, _ = run_action(repo, tmp_path, paths="datasets/good datasets/b*")
    assert (code, out, err) == (
        3,
        "",
        "Error: datasets/b*: no such dataset directory or datapackage.json\n",
    )
    # white space only: discover, as an empty input does
    code, out, _, _, _ = run_action(repo, tmp_path, paths="  ")
    assert code == 1 and out.startswith("::error file=datasets/bad/")


def _wrong_paragraph(rows: dict[str, list[dict[str, Any]]]) -> None:
    for claim in rows["claims"]:
        if claim["id"] == "meeting-2019/date/gazette-2020-05-01/paragraph-2":
            claim["locator"] = "paragraph 1"


def test_action_strict_says_why_a_dataset_with_warnings_fails(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo")
    mutate(MINI, repo / "datasets" / "mini", _wrong_paragraph)
    shutil.copy(MINI / "gazette.txt", repo / "datasets" / "mini" / "gazette.txt")
    given = {"paths": "datasets/mini", "sources": "datasets/mini"}
    code, out, err, summary, _ = run_action(repo, tmp_path, **given)
    assert (code, err, out.startswith("::warning file=datasets/mini/")) == (0, "", True)
    assert "### ✅ mini: valid: 0 errors, 1 warning" in summary
    code, out, err, summary, _ = run_action(repo, tmp_path, strict="true", **given)
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == (
        "::error title=chrono validate --strict::mini: invalid (strict: warnings fail): "
        "0 errors, 1 warning"
    )
    assert out.splitlines()[1].startswith("::warning file=datasets/mini/")
    assert len(out.splitlines()) == 2
    assert "### ❌ mini: invalid (strict: warnings fail): 0 errors, 1 warning" in summary


# --------------------------------------------------------------------------- the hook


def hook() -> dict[str, Any]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (found,) = [h for h in hooks if h["id"] == "chrono-validate"]
    found_hook: dict[str, Any] = found
    return found_hook


def run_hook(repo: Path, *args: str) -> tuple[int, str, str]:
    """The hook's entry with its args, as pre-commit runs it: in the repository's root,
    with no file names (``pass_filenames: false``)."""
    spec = hook()
    assert (spec["language"], spec["pass_filenames"], spec["always_run"]) == (
        "python",
        False,
        True,
    )
    command = [*shlex.split(spec["entry"]), *spec.get("args", []), *args]
    env = {**os.environ, "PATH": os.pathsep.join([str(BIN), os.environ["PATH"]])}
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr


def test_hook_passes_on_a_valid_dataset(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo", "mini")
    assert run_hook(repo) == (
        0,
        "mini (datasets/mini): valid: 0 errors, 0 warnings\n"
        "  note: 2 quotes not checked against their sources (pass --sources DIR)\n",
        "",
    )


def test_hook_fails_on_a_broken_dataset(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo", "good", "bad", broken="bad")
    code, out, err = run_hook(repo)
    assert (code, err) == (1, "")
    assert out.splitlines()[:5] == [
        "mini (datasets/bad): invalid: 1 error, 0 warnings",
        "  note: 1 quote not checked against their sources (pass --sources DIR)",
        "  CHR202 error foreign key does not resolve (1)",
        "    claims[meeting-2019/date/gazette-2020-05-01/paragraph-2].source_id = "
        "\"no-such-source\": source_id 'no-such-source' is not an id in sources",
        "mini (datasets/good): valid: 0 errors, 0 warnings",
    ]


def test_hook_fails_after_a_yaml_edit_that_was_not_built(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo", "mini")
    event = repo / "datasets" / "mini" / "events" / "meeting-2019.yaml"
    event.write_text(event.read_text().replace("date: 2019\n", "date: 2019-13\n"))
    code, out, _ = run_hook(repo)
    assert code == 1
    assert out.startswith("mini (datasets/mini): invalid: ")


def test_hook_fails_when_the_repository_has_no_dataset(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo")
    message = NO_DATASET.format(where="the current folder")
    assert run_hook(repo) == (3, "", f"Error: {message}\n")
    assert run_hook(repo, "venv") == (3, "", f"Error: {NO_DATASET.format(where='venv')}\n")


def test_hook_args_narrow_the_search(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo", "good", "bad", broken="bad")
    assert run_hook(repo, "datasets/good")[0] == 0
    assert run_hook(repo, "datasets")[0] == 1


def test_discovery_outside_git_skips_virtual_environments(tmp_path: Path) -> None:
    from chrono.discover import find_datasets

    (tmp_path / "env" / "pyvenv.cfg").parent.mkdir()
    (tmp_path / "env" / "pyvenv.cfg").write_text("")
    shutil.copytree(MINI, tmp_path / "env" / "lib" / "chrono" / "_datasets" / "x")
    shutil.copytree(MINI, tmp_path / "node_modules" / "y")
    shutil.copytree(MINI, tmp_path / ".cache" / "z")
    shutil.copytree(MINI, tmp_path / "work" / "mine")
    assert find_datasets(tmp_path) == [tmp_path / "work" / "mine"]


def test_an_export_s_data_package_is_not_a_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chrono export csv writes a datapackage.json beside its CSV files: discovery, a
    folder of datasets and diff's search of a revision leave that package out; a
    descriptor that cannot be read is kept, for validate to explain."""
    from chrono.discover import find_datasets
    from chrono.package import datasets_in

    shutil.copytree(MINI, tmp_path / "work" / "mine")
    out = tmp_path / "work" / "csv"
    result = CliRunner().invoke(
        main, ["export", "csv", str(tmp_path / "work" / "mine"), "-o", str(out)]
    )
    assert result.exit_code == 0 and (out / "datapackage.json").is_file()
    (tmp_path / "work" / "broken").mkdir()
    (tmp_path / "work" / "broken" / "datapackage.json").write_text("{not json")
    assert find_datasets(tmp_path) == [tmp_path / "work" / "broken", tmp_path / "work" / "mine"]
    assert datasets_in(tmp_path / "work") == [
        tmp_path / "work" / "broken",
        tmp_path / "work" / "mine",
    ]
    shutil.rmtree(tmp_path / "work" / "broken")
    # one reached by a symlink out of its folder is not read to decide: validate refuses it
    (tmp_path / "work" / "linked").mkdir()
    (tmp_path / "work" / "linked" / "datapackage.json").symlink_to(out / "datapackage.json")
    assert datasets_in(tmp_path / "work") == [
        tmp_path / "work" / "linked",
        tmp_path / "work" / "mine",
    ]
    shutil.rmtree(tmp_path / "work" / "linked")
    # named, it is refused as what it is
    result = CliRunner().invoke(main, ["validate", str(out)])
    assert (result.exit_code, result.stdout, result.stderr) == (
        3,
        "",
        f"Error: {out}/datapackage.json: another tool's data package (its resources are not "
        "Parquet tables: places.csv, ...), not a chrono dataset\n",
    )
    result = CliRunner().invoke(main, ["validate", "--discover", str(tmp_path)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"mini ({tmp_path / 'work' / 'mine'}): valid")
    # diff finds the one dataset of a revision, the export committed beside it
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "one")
    shutil.rmtree(out)  # the working tree no longer has it: the revision's is read
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["diff", "HEAD"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "--- HEAD:work/mine\n+++ work/mine\nNo differences.\n",
        "",
    )


def test_the_documented_configurations_match_the_hook_and_the_action() -> None:
    blocks = []
    for doc in (ROOT / "README.md", ROOT / "docs" / "ci.md"):
        blocks += [
            yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", doc.read_text(), re.S)
        ]
    configs = [b for b in blocks if isinstance(b, dict) and "repos" in b]
    hooks = {
        h["id"]: h for c in configs for r in c["repos"] for h in r["hooks"] if r["repo"] == "local"
    }
    remote = [r for c in configs for r in c["repos"] if r["repo"] != "local"]
    assert remote and all(h["id"] == "chrono-validate" for r in remote for h in r["hooks"])
    spec = hook()
    local = hooks["chrono-validate"]
    assert {k: local[k] for k in ("entry", "pass_filenames", "always_run")} == {
        k: spec[k] for k in ("entry", "pass_filenames", "always_run")
    }
    inputs = set(action()["inputs"])
    steps = [s for b in blocks if isinstance(b, (list, dict)) for s in _steps(b)]
    uses = [s for s in steps if str(s.get("uses", "")).startswith("OWNER/chrono@")]
    assert uses and all(set(s.get("with", {})) <= inputs for s in uses)


def _steps(block: Any) -> list[dict[str, Any]]:
    if isinstance(block, list):
        return [s for s in block if isinstance(s, dict)]
    return [s for job in block.get("jobs", {}).values() for s in job.get("steps", [])]


def test_the_schema_hook_checks_the_repository_s_curated_datasets(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (schema,) = [h for h in hooks if h["id"] == "chrono-schema"]
    assert "--discover" in schema["entry"]
    env = {**os.environ, "PATH": os.pathsep.join([str(BIN), os.environ["PATH"]])}

    def run(repo: Path) -> tuple[int, str, str]:
        done = subprocess.run(
            shlex.split(schema["entry"]), cwd=repo, env=env, capture_output=True, text=True
        )
        return done.returncode, done.stdout, done.stderr

    empty = scratch_repo(tmp_path / "empty")
    assert run(empty) == (
        3,
        "",
        f"Error: {NO_DATASET.format(where='the current folder')}\n",
    )
    repo = scratch_repo(tmp_path / "repo", "mini")
    code, out, err = run(repo)
    assert (code, out) == (0, "")
    assert err.startswith("schema check: ") and err.endswith(", no problems\n")
    event = repo / "datasets" / "mini" / "events" / "meeting-2019.yaml"
    event.write_text(event.read_text().replace("date: 2019\n", "date: 2019-13\n"))
    code, out, _ = run(repo)
    assert code == 1 and out.startswith("datasets/mini/events/meeting-2019.yaml:6:7: CHR301 ")
