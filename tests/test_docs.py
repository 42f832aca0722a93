"""The docs run: every shell and Python example in README.md and docs/ is executed.

Shell examples are ```console blocks of ``$ command`` lines, each followed by the output it
prints (stdout and stderr), if the block shows one:

- a command runs with bash in a scratch git repository, the *docs workspace*: it holds one
  curated dataset, ``datasets/my-chronology`` (the fictional test dataset), tagged
  ``v1.0.0`` and ``v1.1.0`` (HEAD: version 1.1.0, a summit retitled, a video call added),
  ``release-1.0.0/``, a copy of version 1.0.0 that git ignores (a downloaded release), and
  ``notes/``, a folder without data.
  Commands without ``-d``/a path use chrono's bundled dataset. Each document gets a fresh
  workspace, and its commands run in order;
- the output shown must equal the command's output; a line ``...`` stands for any lines;
- the exit status must be 0, or N when the line's comment says ``(exit N)``;
- a line whose comment says ``not run: REASON`` is skipped (it installs packages, say).

Python blocks run in the repository's root, each in a fresh namespace. Beside the examples,
every relative link must resolve, and every ``chrono COMMAND --option`` written must exist.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from chrono import build
from chrono.cli import main
from chrono.model.reference import markdown
from conftest import BUNDLED, MINI, ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DATASET = "datasets/my-chronology"
NEW_EVENT = """\
id: call-2021
title: Leaders A and B to speak by video link
summary: The ministry announced a video call of the two leaders.
type: video_call
status: planned
date: 2021-03
participants:
  - {actor: leader-a, role: participant}
  - {actor: leader-b, role: participant}
claims:
  - {source: ministry-2020-06, property: occurrence, mode: announced}
  - {source: ministry-2020-06, property: date, value: 2021-03, mode: announced}
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=ENV, check=True, capture_output=True)


ENV = {
    **os.environ,
    "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
    "GIT_AUTHOR_NAME": "Docs",
    "GIT_AUTHOR_EMAIL": "docs@example.org",
    "GIT_COMMITTER_NAME": "Docs",
    "GIT_COMMITTER_EMAIL": "docs@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_PAGER": "cat",
}
ENV.pop("CHRONO_DEBUG", None)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs workspace (see the module docstring), made once and copied per document."""
    return make_workspace(tmp_path_factory.mktemp("docs") / "research")


def make_workspace(repo: Path) -> Path:
    data = repo / DATASET
    shutil.copytree(MINI, data)
    _edit(
        data / "dataset.yaml",
        "name: mini\ntitle: Mini test chronology",
        "name: my-chronology\ntitle: My chronology",
    )
    build.write(data, build.build(data))
    (repo / "notes").mkdir()
    (repo / "notes" / "README.md").write_text("Interview notes, no data.\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "version 1.0.0")
    git(repo, "tag", "v1.0.0")
    shutil.copytree(data, repo / "release-1.0.0")
    (repo / ".git" / "info" / "exclude").write_text("release-1.0.0/\n")
    _edit(data / "dataset.yaml", "version: 1.0.0", "version: 1.1.0")
    _edit(
        data / "events" / "summit-2020.yaml",
        "title: Regional summit",
        "title: Regional summit of three states",
    )
    (data / "events" / "call-2021.yaml").write_text(NEW_EVENT)
    build.write(data, build.build(data))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "version 1.1.0")
    git(repo, "tag", "v1.1.0")
    return repo


# --------------------------------------------------------------------------- parsing


@dataclass
class Command:
    line: int
    text: str
    output: list[str]

    @property
    def comment(self) -> str:
        parts = re.split(r"\s+#\s", self.text, maxsplit=1)
        return parts[1] if len(parts) > 1 else ""

    @property
    def exit_status(self) -> int:
        m = re.search(r"\(exit (\d+)\)", self.comment)
        return int(m.group(1)) if m else 0

    @property
    def runs(self) -> bool:
        return re.search(r"not run: \S", self.comment) is None


def commands(doc: Path) -> list[Command]:
    out: list[Command] = []
    text = doc.read_text()
    for block in re.finditer(r"^```console\n(.*?)^```", text, flags=re.S | re.M):
        start = text.count("\n", 0, block.start()) + 2
        for i, line in enumerate(block.group(1).splitlines()):
            if line.startswith("$ "):
                out.append(Command(start + i, line[2:], []))
            else:
                assert out and out[-1].line >= start, f"{doc.name}:{start + i}: output before $"
                out[-1].output.append(line)
    return out


def matches(output: str, expected: list[str]) -> bool:
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if line == "..." else re.escape(line) + r"\n" for line in expected
    )
    return re.fullmatch(pattern, output) is not None


# --------------------------------------------------------------------------- tests


def run(command: str, workspace: Path, env: dict[str, str]) -> tuple[int, str]:
    """Exit status and output (stdout and stderr) of a command line in the workspace.

    A plain ``chrono ...`` line runs in this process with click's runner (fast); anything
    with shell syntax runs with bash.
    """
    line = re.split(r"\s+#\s", command, maxsplit=1)[0]
    if line.startswith("chrono ") and not set(line) & set("|<>&;$`*"):
        cwd = Path.cwd()
        os.chdir(workspace)
        try:
            result = CliRunner(env=env).invoke(main, shlex.split(line)[1:])
        finally:
            os.chdir(cwd)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.output
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=workspace,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return done.returncode, done.stdout


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_shell_examples_run(doc: Path, template: Path, tmp_path: Path) -> None:
    cmds = commands(doc)
    if not cmds:
        pytest.skip(f"{doc.name} has no shell examples")
    workspace = tmp_path / "research"
    shutil.copytree(template, workspace, symlinks=True)
    env = {**ENV, "HOME": str(tmp_path)}
    for cmd in cmds:
        if not cmd.runs:
            continue
        code, output = run(cmd.text, workspace, env)
        where = f"{doc.name}:{cmd.line}: $ {cmd.text}"
        assert code == cmd.exit_status, f"{where}\nexit {code}\n{output}"
        assert "Traceback" not in output, f"{where}\n{output}"
        if cmd.output:
            assert matches(output, cmd.output), f"{where}\nprinted:\n{output}"


def test_every_shell_block_is_console_and_runs_something() -> None:
    for doc in DOCS:
        text = doc.read_text()
        fences = re.findall(r"^```(\w*)$", text, flags=re.M)
        langs = fences[::2]  # opening fences
        assert not {"sh", "bash", "shell", ""} & set(langs), f"{doc.name}: use ```console"
        for block in re.findall(r"^```console\n(.*?)^```", text, flags=re.S | re.M):
            assert block.startswith("$ "), f"{doc.name}: a console block starts with $"
    skipped = [c for d in DOCS for c in commands(d) if not c.runs]
    assert all(re.search(r"not run: \w+", c.comment) for c in skipped)
    assert sum(len(commands(d)) for d in DOCS) > 30


def test_the_docs_workspace_is_what_the_docs_say(template: Path) -> None:
    tags = subprocess.run(["git", "tag"], cwd=template, env=ENV, capture_output=True, text=True)
    assert tags.stdout.split() == ["v1.0.0", "v1.1.0"]
    assert (template / "release-1.0.0" / "dataset.yaml").read_text().count("version: 1.0.0") == 1


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_python_examples_run(doc: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", doc.read_text(), flags=re.S)
    monkeypatch.chdir(ROOT)
    for block in blocks:
        exec(compile(block, str(doc), "exec"), {})


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_relative_link_resolves() -> None:
    """A link to another page, a file of the repository or a heading (``page.md#anchor``)
    points at something that exists."""
    broken = []
    for doc in DOCS:
        text = doc.read_text()
        prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
        prose = re.sub(r"`[^`\n]*`", "``", prose)  # code spans hold no links
        for url in re.findall(r"\]\(([^)\s]+)\)", prose):
            if re.match(r"[a-z]+:", url):
                continue
            path, _, anchor = url.partition("#")
            target = doc.parent / path if path else doc
            if not target.exists():
                broken.append(f"{doc.name}: {url}")
            elif anchor:
                headings = re.findall(r"^#+ (.*)$", target.read_text(), flags=re.M)
                if anchor not in {_slug(h) for h in headings}:
                    broken.append(f"{doc.name}: {url}")
    assert broken == []


def test_every_command_and_option_written_exists() -> None:
    """Every ``chrono COMMAND ... --option`` in a code span or a console line names a command
    and an option that its ``--help`` lists."""
    runner = CliRunner()
    shared = set(re.findall(r"(?<![\w-])--?[a-z][\w-]*", runner.invoke(main, ["--help"]).output))
    helps = {name: runner.invoke(main, [name, "--help"]).output for name in main.commands}
    wrong = []
    for doc in DOCS:
        text = doc.read_text()
        for code in re.findall(r"`([^`\n]+)`", text) + re.findall(r"^\$ (.*)$", text, re.M):
            code = re.split(r"\s#\s", code)[0]
            for name, args in re.findall(r"\bchrono ([a-z]+)((?:\s+[^\s|;&>]+)*)", code):
                if name not in helps:
                    wrong.append(f"{doc.name}: chrono {name}")
                    continue
                for option in re.findall(r"(?<![\w-])--?[a-z][\w-]*", args):
                    listed = re.search(rf"(?<![\w-]){option}\b(?!-)", helps[name])
                    if not listed and option not in shared:
                        wrong.append(f"{doc.name}: chrono {name} {option}")
    assert wrong == []


def test_data_model_reference_is_current() -> None:
    text = (ROOT / "docs" / "data-model.md").read_text()
    embedded = text.split("<!-- reference -->\n", 1)[1].split("<!-- /reference -->", 1)[0]
    assert embedded == markdown(), "run: python -m chrono.model.reference"


def test_the_curation_example_is_a_real_event() -> None:
    text = (ROOT / "docs" / "curation.md").read_text()
    section = text.split("## events/<id>.yaml", 1)[1]
    example = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))
    real = yaml.safe_load((BUNDLED / "events" / f"{example['id']}.yaml").read_text())
    for field in ("title", "type", "status", "date", "place", "parent"):
        assert str(example[field]) == str(real[field]), field
    assert example["participants"] == real["participants"]
    for claim in example["claims"]:
        assert any(all(str(claim[k]) == str(c.get(k)) for k in claim) for c in real["claims"]), (
            claim
        )


def test_ci_runs_the_readme_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    lines = [c.text for c in commands(ROOT / "README.md") if c.text in setup]
    assert len(lines) == 2, "the README's set-up is two commands"
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    for line in lines:
        command = re.split(r"\s+#\s", line, maxsplit=1)[0]
        assert any(ci_line.strip().startswith(command) for ci_line in ci), command
