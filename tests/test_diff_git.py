"""Git revisions as diff inputs, and chrono as git's diff driver, in a temporary repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from chrono.cli import main
from conftest import table_file
from test_diff_helpers import edit, mutate
from views_data import damage_a_title

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

DATASET = "datasets/mini"


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_PAGER": "cat",
    }
    out = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout


@pytest.fixture
def repo(tmp_path: Path, mini_src: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two commits of a dataset: v1 (tagged) and one where summit-2020's date is refined."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    mutate(mini_src, repo / DATASET, lambda rows: None)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "v1")
    git(repo, "tag", "v1")
    mutate(
        mini_src,
        repo / DATASET,
        lambda rows: edit(rows, "events", "summit-2020", date="2020-06-01/2020-06-05"),
    )
    git(repo, "add", "-A")  # the tables' file names follow their bytes: new files
    git(repo, "commit", "-q", "-m", "refine the summit's date")
    monkeypatch.chdir(repo)
    return repo


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


def test_revision_range(repo: Path) -> None:
    code, out, err = invoke("v1..HEAD", "-d", DATASET, "--stat", "-t", "events")
    assert (code, err) == (1, "")
    assert out == (
        "table     added  removed  changed  renamed   schema\n"
        "events        0        0        1        0        0\n"
        "total         0        0        1        0        0\n"
    )
    code, out, _ = invoke("v1", "HEAD", "-d", DATASET, "-t", "events")
    assert code == 1
    assert out.splitlines()[:5] == [
        f"--- v1:{DATASET}",
        f"+++ HEAD:{DATASET}",
        "events: 1 changed",
        "  ~ summit-2020",
        '      date: "2020-06" → "2020-06-01/2020-06-05"  (refined)',
    ]


def test_revision_against_the_working_tree(repo: Path, mini_src: Path) -> None:
    assert invoke("HEAD", "-d", DATASET)[0] == 0
    mutate(mini_src, repo / DATASET, lambda rows: None)  # back to v1's content, uncommitted
    code, out, _ = invoke("HEAD", "-d", DATASET, "-t", "events")
    assert code == 1
    assert '      date: "2020-06-01/2020-06-05" → "2020-06"  (coarsened)' in out
    assert invoke("v1", "-d", DATASET)[0] == 0


def test_a_single_table_at_a_revision(repo: Path) -> None:
    places = table_file(repo / DATASET, "places").relative_to(repo).as_posix()
    code, out, _ = invoke("v1..HEAD", "-d", places, "--stat")  # unchanged: the same file
    assert code == 0 and "places        0        0        0" in out
    events = table_file(repo / DATASET, "events").relative_to(repo).as_posix()
    code, _, err = invoke("v1..HEAD", "-d", events, "--stat")  # its name follows its bytes
    assert (code, err) == (3, f"Error: v1:{events}: not in that revision\n")


def test_unknown_revision_and_missing_dataset(repo: Path) -> None:
    assert invoke("nope..HEAD", "-d", DATASET) == (
        3,
        "",
        "Error: nope: neither a path nor a git revision\n",
    )
    code, _, err = invoke("v1..HEAD", "-d", "datasets/other")
    assert code == 3
    assert err == "Error: v1: no datasets/other in that revision (its datasets: datasets/mini)\n"


def test_git_diff_driver_shows_the_changed_row(repo: Path) -> None:
    chrono = Path(sys.executable).parent / "chrono"
    (repo / ".gitattributes").write_text("*.parquet diff=chrono\n")
    git(repo, "config", "diff.chrono.textconv", f"{chrono} textconv")
    new = table_file(repo / DATASET, "events").relative_to(repo).as_posix()
    git(repo, "checkout", "-q", "v1")
    old = table_file(repo / DATASET, "events").relative_to(repo).as_posix()
    git(repo, "checkout", "-q", "main")
    # a table's file name follows its bytes: compare the two files of the two revisions
    out = git(repo, "diff", f"v1:{old}", f"HEAD:{new}")
    removed = [line for line in out.splitlines() if line.startswith("-events[")]
    added = [line for line in out.splitlines() if line.startswith("+events[")]
    assert len(removed) == len(added) == 1
    assert removed[0].startswith('-events[summit-2020] title="Regional summit"')
    assert 'date="2020-06" earliest="2020-06-01" latest="2020-06-30"' in removed[0]
    assert 'date="2020-06-01/2020-06-05" earliest="2020-06-01" latest="2020-06-05"' in added[0]
    assert "Binary files" not in out
    log = git(repo, "log", "-p", "--", f"{DATASET}/data/")
    assert added[0] in log.splitlines()


def test_textconv_output(mini_src: Path) -> None:
    result = CliRunner().invoke(main, ["textconv", str(table_file(mini_src, "participants"))])
    assert (result.exit_code, result.stdout) == (
        0,
        "participants[meeting-2019, leader-a, participant]\n"
        "participants[meeting-2019, leader-b, participant]\n"
        "participants[meeting-2020, leader-a, host]\n"
        "participants[meeting-2020, leader-b, guest]\n"
        "participants[summit-2020, state-a, host]\n",
    )
    bad = CliRunner().invoke(main, ["textconv", str(mini_src / "dataset.yaml")])
    assert bad.exit_code == 3 and bad.stderr.startswith("Error: ")


def test_textconv_of_text_that_is_not_utf8_names_the_column(mini_src: Path, tmp_path: Path) -> None:
    """A damaged table: one line and exit 3 before any row (was an unexpected error)."""
    events = tmp_path / "events.parquet"
    shutil.copyfile(table_file(mini_src, "events"), events)
    damage_a_title(events)
    result = CliRunner().invoke(main, ["textconv", str(events)])
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == f"Error: {events}: column 'title' holds text that is not UTF-8\n"


def test_textconv_output_does_not_depend_on_the_batch_size(
    mini_src: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chrono.diffing import textconv

    path = str(table_file(mini_src, "participants"))
    whole = CliRunner().invoke(main, ["textconv", path])
    monkeypatch.setattr(textconv, "BATCH_ROWS", 2)
    small = CliRunner().invoke(main, ["textconv", path])
    assert (small.exit_code, small.stdout) == (0, whole.stdout)
    assert whole.stdout.count("\n") == 5


def test_textconv_of_a_table_not_chronos_with_lists_and_structs(tmp_path: Path) -> None:
    """Another Parquet file in the repository: sorted by the columns that sort, in its own
    order when none does; never an error for git to show."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    nested = tmp_path / "nested.parquet"
    pq.write_table(pa.table({"id": ["b", "a"], "v": [[1, 2], [3]]}), nested)
    only = tmp_path / "only.parquet"
    pq.write_table(pa.table({"s": [{"a": 1}, {"a": 0}], "n": pa.nulls(2)}), only)
    for path, text in (
        (nested, "nested[a, [3]]\nnested[b, [1, 2]]\n"),
        (only, "only[{'a': 1}, null]\nonly[{'a': 0}, null]\n"),
    ):
        result = CliRunner().invoke(main, ["textconv", str(path)])
        assert (result.exit_code, result.stdout, result.stderr) == (0, text, "")


def test_a_table_rewritten_by_another_tool_keeps_its_name(mini_src: Path, tmp_path: Path) -> None:
    """Another tool rewrote a table (its chrono:table metadata gone) under the build's
    file name: participants-<16 hex>.parquet is the participants table, keyed as such, for
    textconv and diff alike."""
    import pyarrow.parquet as pq

    table = pq.read_table(table_file(mini_src, "participants"))
    bare = tmp_path / "participants-0123456789abcdef.parquet"
    pq.write_table(table.replace_schema_metadata(None), bare)
    got = CliRunner().invoke(main, ["textconv", str(bare)])
    want = CliRunner().invoke(main, ["textconv", str(table_file(mini_src, "participants"))])
    assert (got.exit_code, got.stdout) == (0, want.stdout)
    built = table_file(mini_src, "participants")
    result = CliRunner().invoke(main, ["diff", str(built), str(bare)])
    assert (result.exit_code, result.stdout) == (0, f"--- {built}\n+++ {bare}\nNo differences.\n")


# --------------------------------------------------------------------------- honest sides


@pytest.fixture
def curated(tmp_path: Path, mini_src: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose one dataset is curated (YAML and built Parquet), tagged v1."""
    repo = tmp_path / "curated"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    shutil.copytree(mini_src, repo / DATASET)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "v1")
    git(repo, "tag", "v1")
    monkeypatch.chdir(repo)
    return repo


def retitle(repo: Path, title: str) -> None:
    """Edit an event's title in its YAML source (without rebuilding)."""
    event = repo / DATASET / "events" / "summit-2020.yaml"
    event.write_text(event.read_text().replace("title: Regional summit", f"title: {title}"))


def test_the_dataset_is_found_without_dataset_option(repo: Path) -> None:
    code, out, err = invoke("v1..HEAD", "-t", "events")
    assert (code, err) == (1, "")
    assert out.splitlines()[:2] == [f"--- v1:{DATASET}", f"+++ HEAD:{DATASET}"]
    code, out, err = invoke("v1", "-t", "events", "--stat")
    assert (code, err) == (1, "")
    assert out.splitlines()[1] == "events        0        0        1        0        0"


def test_several_datasets_need_a_choice(repo: Path, mini_src: Path) -> None:
    shutil.copytree(mini_src, repo / "other")
    assert invoke("HEAD") == (
        2,
        "",
        f"Error: 2 datasets to choose from: {DATASET} (HEAD, the working tree), other "
        "(the working tree); name one with --dataset\n",
    )
    assert invoke("HEAD", "-d", DATASET)[0] == 0


def test_a_path_that_is_not_a_dataset_does_not_hide_a_revision(repo: Path) -> None:
    (repo / "v1").mkdir()  # e.g. a folder of notes named as the tag is
    assert invoke("v1") == (
        3,
        "",
        "Error: v1: both a path here (not a dataset) and a git revision; "
        "write v1^{commit} for the revision\n",
    )
    code, out, err = invoke("v1^{commit}", "-t", "events")
    assert (code, err) == (1, "")
    assert out.splitlines()[:3] == [
        f"--- v1^{{commit}}:{DATASET}",
        f"+++ {DATASET}",
        "events: 1 changed",
    ]
    # a path that is a dataset is a path, as docs/diff.md says
    shutil.rmtree(repo / "v1")
    shutil.copytree(repo / DATASET, repo / "v1")
    assert invoke("v1", DATASET, "--stat")[0] == 0


def test_a_dataset_not_in_the_revision_names_those_that_are(repo: Path) -> None:
    assert invoke("v1..HEAD", "--dataset", "datasets/mni") == (
        3,
        "",
        "Error: v1: no datasets/mni in that revision (its datasets: datasets/mini)\n",
    )


def test_no_dataset_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "notes.txt").write_text("no data here\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "notes")
    monkeypatch.chdir(repo)
    assert invoke("HEAD") == (
        3,
        "",
        "Error: no dataset in HEAD and the working tree: no folder holds a datapackage.json "
        "or dataset.yaml (name one with --dataset)\n",
    )


def test_an_unbuilt_yaml_edit_is_a_difference(curated: Path) -> None:
    assert invoke("HEAD") == (
        0,
        f"--- HEAD:{DATASET}\n+++ {DATASET}\nNo differences.\n",
        "",
    )
    retitle(curated, "Regional summit of three states")
    code, out, err = invoke("HEAD", "-t", "events")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"--- HEAD:{DATASET}",
        f"+++ {DATASET}",
        f"note: {DATASET}: its Parquet is stale (the YAML sources changed since "
        "chrono build): compared what its YAML sources say (built in memory)",
        "events: 1 changed",
        "  ~ summit-2020",
        '      title: "Regional summit" → "Regional summit of three states"',
    ]


def test_a_committed_stale_revision_is_compared_by_its_sources(curated: Path) -> None:
    retitle(curated, "Summit")
    git(curated, "commit", "-q", "-am", "retitle without building")
    code, out, err = invoke("v1..HEAD", "-t", "events", "-f", "json")
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert report["notes"] == [
        f"HEAD:{DATASET}: its Parquet is stale (the YAML sources changed since chrono build): "
        "compared what its YAML sources say (built in memory)"
    ]
    (events,) = report["tables"]
    assert events["changed"] == [
        {
            "key": {"id": "summit-2020"},
            "fields": {"title": {"old": "Regional summit", "new": "Summit"}},
        }
    ]
    # a revision with YAML and no built files at all is compiled too
    git(curated, "rm", "-q", "-r", f"{DATASET}/data", f"{DATASET}/datapackage.json")
    git(curated, "commit", "-q", "-m", "drop the built files")
    code, out, _ = invoke("v1..HEAD", "-t", "events")
    assert code == 1
    assert out.splitlines()[2] == (
        f"note: HEAD:{DATASET}: not built (no datapackage.json): compared what its YAML "
        "sources say (built in memory)"
    )
    assert '      title: "Regional summit" → "Summit"' in out.splitlines()


def test_a_revision_is_judged_as_its_checkout_would_be(curated: Path) -> None:
    """A symlink under events/ is a symlink and a submodule a folder, as git checks them
    out; the diff of the revision says what build says of the checkout."""
    events = curated / DATASET / "events"
    (events / "copy.yaml").symlink_to("summit-2020.yaml")
    git(curated, "add", "-A")
    git(curated, "commit", "-q", "-m", "a symlink among the events")
    followed = (
        "its YAML sources do not compile: events/copy.yaml:1:5: CHR113 field 'id': "
        "'summit-2020' must equal the file name 'copy' (chrono build lists every problem)\n"
    )
    assert invoke("v1..HEAD") == (
        3,
        "",
        f"Error: HEAD:{DATASET}: its Parquet is stale (the YAML sources changed since chrono "
        f"build), and {followed}",
    )
    assert invoke("HEAD")[2] == (
        f"Error: {DATASET}: its Parquet is stale (the YAML sources changed since chrono "
        f"build), and {followed}"
    )
    git(curated, "rm", "-q", f"{DATASET}/events/copy.yaml")
    (curated.parent / "elsewhere.yaml").write_text("id: away\n")
    (events / "away.yaml").symlink_to(curated.parent / "elsewhere.yaml")
    git(curated, "add", "-A")
    git(curated, "commit", "-q", "-m", "a symlink out of the dataset")
    assert invoke("v1..HEAD") == (
        3,
        "",
        f"Error: HEAD:{DATASET}/events/away.yaml: resolves outside HEAD:{DATASET} "
        "(a symlink may not leave it)\n",
    )
    git(curated, "rm", "-q", f"{DATASET}/events/away.yaml")
    commit = git(curated, "rev-parse", "HEAD").strip()
    git(
        curated,
        "update-index",
        "--add",
        "--cacheinfo",
        f"160000,{commit},{DATASET}/events/sub.yaml",
    )
    git(curated, "commit", "-q", "-m", "a submodule among the events")
    assert invoke("v1..HEAD") == (
        3,
        "",
        f"Error: HEAD:{DATASET}: its Parquet is stale (the YAML sources changed since chrono "
        "build), and its YAML sources do not compile: events/sub.yaml: CHR113 a folder "
        "(events/ holds one <id>.yaml file per event) (chrono build lists every problem)\n",
    )


def test_a_symlink_to_a_file_inside_the_dataset_is_followed(curated: Path) -> None:
    """An event file linked to a file elsewhere in the dataset reads, in a revision, as it
    reads in the checkout; links from link to link too, and a loop is refused as build
    refuses it."""
    dataset = curated / DATASET
    notes = dataset / "notes"
    notes.mkdir()
    event = dataset / "events" / "summit-2020.yaml"
    (notes / "summit.yaml").write_text(
        event.read_text().replace("title: Regional summit", "title: Summit")
    )
    (notes / "link.yaml").symlink_to("summit.yaml")
    event.unlink()
    event.symlink_to("../notes/link.yaml")
    git(curated, "add", "-A")
    git(curated, "commit", "-q", "-m", "the summit's file kept with the notes")
    code, out, err = invoke("v1..HEAD", "-t", "events")
    assert (code, err) == (1, "")
    assert out.splitlines()[3:] == [
        "events: 1 changed",
        "  ~ summit-2020",
        '      title: "Regional summit" → "Summit"',
    ]
    stale = "its Parquet is stale (the YAML sources changed since chrono build): compared what "
    stale += "its YAML sources say (built in memory)"
    assert invoke("HEAD", "-t", "events") == (
        0,
        f"--- HEAD:{DATASET}\n+++ {DATASET}\nnote: HEAD:{DATASET}: {stale}\n"
        f"note: {DATASET}: {stale}\nNo differences.\n",
        "",
    )
    (notes / "summit.yaml").unlink()
    (notes / "summit.yaml").symlink_to("link.yaml")
    git(curated, "add", "-A")
    git(curated, "commit", "-q", "-m", "a loop")
    code, out, err = invoke("v1..HEAD", "-t", "events")
    assert (code, out) == (3, "")
    assert err.startswith(f"Error: HEAD:{DATASET}")
    assert err == invoke("HEAD", "-t", "events")[2].replace(
        f"Error: {DATASET}", f"Error: HEAD:{DATASET}", 1
    )


def test_a_declared_term_added_or_redefined_is_a_metadata_change(curated: Path) -> None:
    """A term's definition says what every row using it means: the diff says when one is
    declared, redefined or dropped, though no row changed."""
    meta = curated / DATASET / "dataset.yaml"
    declared = "vocabularies:\n  event_type:\n    walk: A walk in the woods.\n"
    meta.write_text(meta.read_text() + declared)
    stale = (
        f"note: {DATASET}: its Parquet is stale (the YAML sources changed since chrono build): "
        "compared what its YAML sources say (built in memory)"
    )
    assert invoke("HEAD") == (
        1,
        f"--- HEAD:{DATASET}\n+++ {DATASET}\n{stale}\n"
        "dataset: 1 metadata change\n"
        '  ~ vocabularies.event_type.walk: null → "A walk in the woods."\n',
        "",
    )
    assert CliRunner().invoke(main, ["build", DATASET]).exit_code == 0
    git(curated, "add", "-A")  # the rebuilt tables are new files
    git(curated, "commit", "-q", "-m", "declare walk")
    meta.write_text(meta.read_text().replace("A walk in the woods.", "A walk in a park."))
    code, out, err = invoke("HEAD", "-f", "json")
    assert (code, err) == (1, "")
    assert json.loads(out)["metadata"] == [
        {
            "field": "vocabularies.event_type.walk",
            "old": "A walk in the woods.",
            "new": "A walk in a park.",
        }
    ]


def test_a_revision_s_file_name_may_hold_a_newline(curated: Path) -> None:
    """Curated files are asked of git by object id, not by a name that could split."""
    events = curated / DATASET / "events"
    shutil.copy(events / "summit-2020.yaml", events / "summit\n2020.yaml")
    git(curated, "add", "-A")
    git(curated, "commit", "-q", "-m", "a newline in a file name")
    code, out, err = invoke("v1..HEAD")
    assert (code, out) == (3, "")
    assert "CHR113 field 'id': 'summit-2020' must equal the file name 'summit\\n2020'" in err


def test_sources_that_do_not_compile_stop_the_diff(curated: Path) -> None:
    event = curated / DATASET / "events" / "summit-2020.yaml"
    event.write_text(event.read_text().replace("date: 2020-06\n", "date: 2020-13\n"))
    code, out, err = invoke("HEAD")
    assert (code, out) == (3, "")
    assert err.startswith(
        f"Error: {DATASET}: its Parquet is stale (the YAML sources changed since "
        "chrono build), and its YAML sources do not compile: "
    )
    assert "2020-13" in err and err.count("\n") == 1


def test_metadata_and_added_events_in_markdown(curated: Path) -> None:
    meta = curated / DATASET / "dataset.yaml"
    meta.write_text(meta.read_text().replace("version: 1.0.0", "version: 1.1.0"))
    new = curated / DATASET / "events" / "talks-bce.yaml"
    new.write_text(
        "id: talks-bce\ntitle: Talks | in *antiquity*\nsummary: Fictional.\n"
        "type: bilateral_meeting\nstatus: confirmed\ndate: -0043-03-15\n"
        "claims:\n  - {source: gazette-2020-05-01, property: occurrence, locator: paragraph 2}\n"
        "  - {source: gazette-2020-05-01, property: date, value: -0043-03-15,\n"
        "     locator: paragraph 2}\n"
    )
    code, out, err = invoke("v1", "-f", "markdown", "-t", "events")
    assert (code, err) == (1, "")
    assert "- `talks-bce` (15 March 44 BCE): Talks \\| in \\*antiquity\\*" in out.splitlines()
    code, out, err = invoke("v1", "-f", "markdown")
    lines = out.splitlines()
    assert lines[lines.index("Dataset metadata:") + 4] == "| version | 1.0.0 | 1.1.0 |"
    assert lines.index("Dataset metadata:") < lines.index(
        "| table | added | removed | changed | renamed | schema changes |"
    )
