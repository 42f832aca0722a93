"""`chrono diff`: whole output of every format, exit codes, and the JSON schema."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from chrono import build
from chrono.cli import main
from conftest import MINI, ROOT, table_file
from test_diff_helpers import Rows, edit, mutate

SCHEMA = json.loads((ROOT / "schemas" / "diff-report.schema.json").read_text())


def _change(rows: Rows) -> None:
    edit(rows, "events", "summit-2020", date="2020-06-01/2020-06-05")
    edit(rows, "claims", "meeting-2020/date/ministry-2020-06", note="Month only.")
    rows["places"].append(
        {"id": "gamma-port", "name": "Gamma Port", "country": "GG", "latitude": 1.5}
    )
    edit(rows, "events", "meeting-2019", id="meeting-2019-b")
    for c in rows["claims"]:
        if c["event_id"] == "meeting-2019":
            c["event_id"] = "meeting-2019-b"
            c["id"] = c["id"].replace("meeting-2019", "meeting-2019-b")
    for p in rows["participants"]:
        if p["event_id"] == "meeting-2019":
            p["event_id"] = "meeting-2019-b"


@pytest.fixture
def versions(tmp_path: Path, mini_src: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Datasets ``a`` (the mini dataset) and ``b`` (changed) in the current directory."""
    mutate(mini_src, tmp_path / "a", lambda rows: None)
    mutate(mini_src, tmp_path / "b", _change)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


TEXT = """\
--- a
+++ b
places: 1 added
  + gamma-port
      name: "Gamma Port"
      country: "GG"
      latitude: 1.5
events: 1 changed, 1 renamed
  ~ summit-2020
      date: "2020-06" → "2020-06-01/2020-06-05"  (refined)
      latest: "2020-06-30" → "2020-06-05"
      precision: "month" → "day"
  > meeting-2019 → meeting-2019-b
participants: 2 renamed
  > meeting-2019, leader-a, participant → meeting-2019-b, leader-a, participant
  > meeting-2019, leader-b, participant → meeting-2019-b, leader-b, participant
claims: 1 changed, 2 renamed
  ~ meeting-2020/date/ministry-2020-06
      note: "The ministry gives only the month." → "Month only."
  > meeting-2019/date/gazette-2020-05-01/paragraph-2 → meeting-2019-b/date/gazette-2020-05-01/paragraph-2
  > meeting-2019/occurrence/gazette-2020-05-01/paragraph-2 → meeting-2019-b/occurrence/gazette-2020-05-01/paragraph-2
provenance (claims and sources, by the event they support):
  meeting-2020: 1 claim changed (provenance only)
"""


@pytest.mark.parametrize("engine", ["arrow", "duckdb"])
def test_text(versions: Path, engine: str) -> None:
    assert invoke("a", "b", "--engine", engine) == (1, TEXT, "")


def test_text_limit_says_how_many_more(versions: Path) -> None:
    code, out, _ = invoke("a", "b", "-t", "participants", "--limit", "1")
    assert (code, out) == (
        1,
        "--- a\n+++ b\n"
        "participants: 2 renamed\n"
        "  > meeting-2019, leader-a, participant → meeting-2019-b, leader-a, participant\n"
        "  … and 1 more renamed\n",
    )


MARKDOWN = """\
### chrono diff

`a` → `b`

| table | added | removed | changed | renamed | schema changes |
|---|--:|--:|--:|--:|--:|
| places | 1 | 0 | 0 | 0 | 0 |
| events | 0 | 0 | 1 | 1 | 0 |
| participants | 0 | 0 | 0 | 2 | 0 |
| claims | 0 | 0 | 1 | 2 | 0 |

#### places

Added (1):

- `gamma-port`: Gamma Port

#### events

Changed (1):

| key | column | old | new |
|---|---|---|---|
| `summit-2020` | date | `2020-06` | `2020-06-01/2020-06-05` (refined) |
| `summit-2020` | latest | `2020-06-30` | `2020-06-05` |
| `summit-2020` | precision | `month` | `day` |

Renamed (1):

- `meeting-2019` → `meeting-2019-b`

#### participants

Renamed (2):

- `meeting-2019, leader-a, participant` → `meeting-2019-b, leader-a, participant`

_… and 1 more renamed (not listed)_

#### claims

Changed (1):

| key | column | old | new |
|---|---|---|---|
| `meeting-2020/date/ministry-2020-06` | note | `The ministry gives only the month.` | \
`Month only.` |

Renamed (2):

- `meeting-2019/date/gazette-2020-05-01/paragraph-2` → `meeting-2019-b/date/gazette-2020-05-01/paragraph-2`

_… and 1 more renamed (not listed)_

#### Provenance by event

| event | claims and sources | event row |
|---|---|---|
| `meeting-2020` | 1 claim changed | unchanged (provenance only) |
"""


def test_markdown(versions: Path) -> None:
    assert invoke("a", "b", "-f", "markdown", "--limit", "1") == (1, MARKDOWN, "")


def test_stat(versions: Path) -> None:
    assert invoke("a", "b", "--stat", "-t", "events", "-t", "places") == (
        1,
        "table     added  removed  changed  renamed   schema\n"
        "places        1        0        0        0        0\n"
        "events        0        0        1        1        0\n"
        "total         1        0        1        1        0\n",
        "",
    )


def test_json_whole_output(versions: Path) -> None:
    code, out, err = invoke("a", "b", "-f", "json", "-t", "places")
    expected = {
        "format_version": 1,
        "old": "a",
        "new": "b",
        "is_empty": False,
        "ignored": [],
        "notes": [],
        "metadata": [],
        "tables": [
            {
                "name": "places",
                "primary_key": ["id"],
                "counts": {
                    "added": 1,
                    "removed": 0,
                    "changed": 0,
                    "renamed": 0,
                    "schema_changes": 0,
                },
                "date_changes": {},
                "truncated": False,
                "schema_changes": [],
                "added": [
                    {
                        "key": {"id": "gamma-port"},
                        "row": {
                            "name": "Gamma Port",
                            "country": "GG",
                            "latitude": 1.5,
                            "longitude": None,
                        },
                    }
                ],
                "removed": [],
                "changed": [],
                "renamed": [],
            }
        ],
        "provenance": [],
    }
    assert (code, err) == (1, "")
    assert out == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("engine", ["arrow", "duckdb"])
def test_json_is_valid_and_stable(versions: Path, engine: str) -> None:
    code, out, _ = invoke("a", "b", "-f", "json", "--engine", engine)
    assert code == 1
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    assert invoke("a", "b", "-f", "json", "--engine", engine)[1] == out
    other = "duckdb" if engine == "arrow" else "arrow"
    assert invoke("a", "b", "-f", "json", "--engine", other)[1] == out
    assert [t["name"] for t in report["tables"]] == [
        "places",
        "actors",
        "sources",
        "events",
        "participants",
        "claims",
    ]


def test_schema_rejects_a_wrong_report() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format_version": 2}, SCHEMA)


def test_no_differences_exits_0(versions: Path, mini_src: Path) -> None:
    mutate(mini_src, versions / "a2", lambda rows: None)  # same content, written again
    assert invoke("a", "a2") == (0, "--- a\n+++ a2\nNo differences.\n", "")
    assert invoke("a", "b", "-i", "note", "-t", "claims", "-t", "participants", "--stat")[0] == 1
    assert invoke("a", "b", "-i", "claims.note", "-t", "claims", "-f", "markdown")[0] == 1


def test_metadata_changes_come_first(versions: Path, mini_src: Path) -> None:
    # the committed mini dataset: the same rows, another version and description
    assert invoke("a", str(mini_src)) == (
        1,
        f"--- a\n+++ {mini_src}\n"
        "dataset: 3 metadata changes\n"
        '  ~ version: "1.0.1" → "1.0.0"\n'
        '  ~ description: null → "Fictional events used by chrono\'s tests."\n'
        '  ~ keywords: null → ["test"]\n',
        "",
    )
    code, out, _ = invoke("a", str(mini_src), "-f", "markdown")
    assert (code, out) == (
        1,
        "### chrono diff\n\n"
        f"`a` → `{mini_src}`\n\n"
        "Dataset metadata:\n\n"
        "| field | old | new |\n"
        "|---|---|---|\n"
        "| version | 1.0.1 | 1.0.0 |\n"
        "| description | (none) | Fictional events used by chrono's tests. |\n"
        "| keywords | (none) | test |\n",
    )
    code, out, _ = invoke("a", str(mini_src), "--stat")
    assert out.splitlines()[0] == "metadata changed: version, description, keywords"
    code, out, _ = invoke("a", str(mini_src), "-f", "json")
    assert json.loads(out)["metadata"] == [
        {"field": "version", "old": "1.0.1", "new": "1.0.0"},
        {"field": "description", "old": None, "new": "Fictional events used by chrono's tests."},
        {"field": "keywords", "old": None, "new": ["test"]},
    ]
    assert invoke("a", str(mini_src), "-t", "events")[0] == 0  # --table: tables only


def test_ignore_removes_the_only_change(versions: Path) -> None:
    code, out, _ = invoke("a", "b", "-t", "claims", "-i", "note", "-i", "event_id", "--stat")
    assert code == 1  # the renamed claims remain
    assert "claims        0        0        0        2" in out
    # a column of a table not compared is let be; one the tables compared lack is not
    code, again, _ = invoke(
        "a", "b", "-t", "claims", "-i", "note", "-i", "event_id", "-i", "events.title", "--stat"
    )
    assert (code, again) == (1, out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing", "b"], "Error: missing: neither a path nor a git revision\n"),
        (["a", "b", "-t", "nope"], "Error: --table nope: no such table (tables: "),
        (["a", "b", "-i", "events.id"], "Error: cannot ignore primary key column of events"),
        (["a", "b", "-i", "event.title"], "Error: --ignore event.title: no table event (table."),
        (
            ["a", "b", "-i", "events.titel"],
            "Error: --ignore events.titel: no such column in table events (table.column, or a "
            "column name for every table)\n",
        ),
        (["a", "b", "-i", "titel"], "Error: --ignore titel: no such column in any table (table."),
        ([], "Error: give OLD and NEW, a revision"),
        (["a", "b", "c"], "Error: give OLD and NEW, a revision"),
    ],
)
def test_errors_are_one_line(versions: Path, args: list[str], message: str) -> None:
    code, out, err = invoke(*args)
    assert code == (3 if "neither" in message else 2)
    assert out == "" and err.startswith(message) and err.count("\n") == 1


def test_unreadable_parquet_exits_3(versions: Path) -> None:
    (versions / "events.parquet").write_bytes(b"")
    (versions / "junk.parquet").write_bytes(b"PAR1 not really")
    b_events = str(table_file(Path("b"), "events"))
    code, out, err = invoke("events.parquet", b_events)
    assert (code, out, err) == (3, "", "Error: events.parquet: empty file (0 bytes), not Parquet\n")
    code, _, err = invoke("junk.parquet", b_events)
    assert code == 3 and err.startswith("Error: junk.parquet: unreadable Parquet: ")
    claims = table_file(versions / "a", "claims")
    claims.unlink()
    code, _, err = invoke("a", "b")
    shown = claims.relative_to(versions)
    assert code == 3 and err == f"Error: {shown}: not found (listed in datapackage.json)\n"


def test_duplicate_key_exits_3(versions: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    events = pq.read_table(table_file(Path("a"), "events"))
    pq.write_table(pa.concat_tables([events, events.slice(0, 1)]), "dup.parquet")
    pq.write_table(events, "events.parquet")
    for engine in ("arrow", "duckdb"):
        code, out, err = invoke("events.parquet", "dup.parquet", "--engine", engine)
        assert (code, out) == (3, "")
        assert err == (
            "Error: new: events: duplicate primary key (id='meeting-2019'); rows cannot be paired\n"
        )


def test_the_cli_module_imports_neither_pandas_nor_pyarrow() -> None:
    code = (
        "import sys, chrono.cli.diff_cmd; "
        "bad = [m for m in ('pandas', 'pyarrow', 'duckdb') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"


def test_docs_examples_run_and_name_real_options(monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    text = (ROOT / "docs" / "diff.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    monkeypatch.chdir(ROOT)
    for block in blocks:
        exec(compile(block, "docs/diff.md", "exec"), {})
    help_text = CliRunner().invoke(main, ["diff", "--help"]).stdout
    options = set(re.findall(r"(--[a-z][a-z-]+)", text)) - {"--word-diff", "--verify"}
    assert options and all(o in help_text for o in options), options - set(help_text.split())


def test_what_a_citation_takes_from_the_chrono_block_is_metadata(tmp_path: Path) -> None:
    """The release date and the creators in full live in the descriptor's chrono block;
    `chrono cite` prints them, so a change of them is a difference."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(MINI, old)
    with (old / "dataset.yaml").open("a") as fh:
        fh.write(
            "creators:\n  - {name: Ada Example, given: Ada, family: Example}\n"
            "released: 2026-11-30\nrepository: https://example.org/mini.git\n"
        )
    shutil.copytree(old, new)
    yaml_file = new / "dataset.yaml"
    yaml_file.write_text(
        yaml_file.read_text()
        .replace("given: Ada", "given: A.")
        .replace("2026-11-30", "2025")
        .replace("mini.git", "mini-data.git")
    )
    for ds in (old, new):
        build.write(ds, build.build(ds))
    code, out, err = invoke(str(old), str(new))
    assert (code, err) == (1, "")
    assert out == (
        f"--- {old}\n+++ {new}\n"
        "dataset: 3 metadata changes\n"
        '  ~ released: "2026-11-30" → "2025"\n'
        '  ~ creators: [{"name": "Ada Example", "given": "Ada", "family": "Example"}]'
        ' → [{"name": "Ada Example", "given": "A.", "family": "Example"}]\n'
        '  ~ repository: "https://example.org/mini.git" → "https://example.org/mini-data.git"\n'
    )
    code, out, _ = invoke(str(old), str(new), "-f", "markdown")
    assert out.endswith(  # the names read the same: the creators are shown in full
        "| released | 2026-11-30 | 2025 |\n"
        '| creators | \\[{"name": "Ada Example", "given": "Ada", "family": "Example"}\\] '
        '| \\[{"name": "Ada Example", "given": "A.", "family": "Example"}\\] |\n'
        "| repository | https\\://example.org/mini.git | https\\://example.org/mini-data.git |\n"
    )
    code, out, _ = invoke(str(old), str(new), "-f", "latex")
    assert (
        r'changed & creators & [\{"name": "Ada Example", "given": "Ada", "family": "Example"\}]'
        r' $\rightarrow$ [\{"name": "Ada Example", "given": "A.", "family": "Example"\}] \\'
    ) in out.splitlines()


def test_a_nan_in_a_descriptor_is_refused(tmp_path: Path) -> None:
    """Python's JSON reads NaN, which other JSON readers refuse and which equals nothing:
    a descriptor holding one (here as the release date) was diffed against itself as a
    metadata change, exit 1. It is not JSON: one line, exit 3, as validate says it."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(MINI, old)
    build.write(old, build.build(old))
    descriptor = json.loads((old / "datapackage.json").read_text())
    descriptor["chrono"]["released"] = float("nan")
    (old / "datapackage.json").write_text(json.dumps(descriptor))
    shutil.copytree(old, new)
    code, out, err = invoke(str(old / "datapackage.json"), str(new / "datapackage.json"))
    assert (code, out) == (3, "")
    assert err == f"Error: {old / 'datapackage.json'}: invalid JSON: NaN is not a JSON value\n"
    checked = CliRunner().invoke(main, ["validate", str(old)])
    assert (checked.exit_code, checked.stdout) == (3, "")
    assert checked.stderr == err


def test_a_metadata_value_of_another_json_type_is_a_change(tmp_path: Path) -> None:
    """``1`` and ``true`` are equal to Python, not in JSON: a property turned from one to
    the other is reported; the same object with its keys reordered is not."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(MINI, old)
    build.write(old, build.build(old))
    shutil.copytree(old, new)
    for root, value in ((old, 1), (new, True)):
        descriptor = json.loads((root / "datapackage.json").read_text())
        descriptor["x-reviewed"] = value
        if value is True:  # the same block, its keys in reverse order
            descriptor["chrono"] = dict(reversed(descriptor["chrono"].items()))
        (root / "datapackage.json").write_text(json.dumps(descriptor))
    code, out, err = invoke(str(old / "datapackage.json"), str(new / "datapackage.json"))
    assert (code, err) == (1, "")
    assert "  ~ x-reviewed: 1 → true\n" in out
    assert out.count("  ~ ") == 1


def test_colour_only_on_a_terminal(versions: Path) -> None:
    plain = CliRunner().invoke(main, ["diff", "a", "b", "-t", "places"])
    coloured = CliRunner().invoke(main, ["diff", "a", "b", "-t", "places"], color=True)
    assert "\x1b[" not in plain.stdout
    assert "\x1b[32m  + gamma-port" in coloured.stdout or "\x1b[32m+ gamma-port" in coloured.stdout


def test_memory_limit_and_spill_folder(versions: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB's memory cap and spill folder: set by option or environment, the private
    subfolder removed after the join, never DuckDB's own ``.tmp`` in the current folder."""
    expected = invoke("a", "b", "--stat")
    spill = versions / "spill"
    got = invoke("a", "b", "--stat", "--memory-limit", "256M", "--temp-dir", str(spill))
    assert got == expected and expected[0] == 1
    assert spill.is_dir() and list(spill.iterdir()) == []
    assert not (versions / ".tmp").exists()
    code, out, err = invoke("a", "b", "--memory-limit", "lots")
    assert (code, out) == (2, "")
    assert err == "Error: --memory-limit: 'lots' is not a size (e.g. 500M, 8G)\n"
    monkeypatch.setenv("CHRONO_DIFF_MEMORY_LIMIT", "lots")
    code, out, err = invoke("a", "b")
    assert (code, out) == (2, "")
    assert err == "Error: CHRONO_DIFF_MEMORY_LIMIT: 'lots' is not a size (e.g. 500M, 8G)\n"
    monkeypatch.setenv("CHRONO_DIFF_MEMORY_LIMIT", "1G")
    assert invoke("a", "b", "--stat", "--memory-limit", "256M") == expected  # the option wins
    (versions / "a-file").write_text("")
    monkeypatch.setenv("CHRONO_DIFF_TEMP_DIR", str(versions / "a-file"))
    code, out, err = invoke("a", "b")
    assert (code, out) == (3, "")
    assert err.startswith(f"Error: {versions / 'a-file'}: cannot spill there: ")
    assert err.count("\n") == 1


def test_duckdb_connections_are_capped_and_spill_privately(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chrono.diffing.duck import Spill, connect, default_memory_limit

    monkeypatch.setenv("CHRONO_DIFF_MEMORY_LIMIT", "300M")
    monkeypatch.setenv("CHRONO_DIFF_TEMP_DIR", str(tmp_path / "spill"))
    with connect() as con:
        [(limit, folder)] = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchall()
        assert limit == "300.0 MiB"
        assert Path(folder).parent == tmp_path / "spill" and Path(folder).is_dir()
    assert not Path(folder).exists()
    monkeypatch.delenv("CHRONO_DIFF_MEMORY_LIMIT")
    monkeypatch.delenv("CHRONO_DIFF_TEMP_DIR")
    assert Spill.from_env() == Spill(None, None)
    with connect(Spill(None, tmp_path / "other")) as con:
        [(limit,)] = con.execute("SELECT current_setting('memory_limit')").fetchall()
    gib = default_memory_limit() / 2**30
    number, unit = limit.split()
    assert unit == "GiB" and abs(float(number) - gib) < 0.1 and gib >= 1


def test_a_table_whose_text_is_not_utf8_is_named_by_either_engine(
    tmp_path: Path, mini_src: Path
) -> None:
    """A damaged table: one line naming the file as the user knows it (not the descriptor
    chrono opened it by), exit 3; the Arrow engine names the column too."""
    from views_data import damage_a_title

    old = mutate(mini_src, tmp_path / "old", lambda rows: None)
    new = mutate(mini_src, tmp_path / "new", lambda rows: None)
    events = table_file(new, "events")
    damage_a_title(events)
    arrow = CliRunner().invoke(main, ["diff", str(old), str(new), "--engine", "arrow"])
    assert (arrow.exit_code, arrow.stdout) == (3, "")
    assert arrow.stderr == f"Error: {events}: column 'title' holds text that is not UTF-8\n"
    pytest.importorskip("duckdb")
    duck = CliRunner().invoke(main, ["diff", str(old), str(new), "--engine", "duckdb"])
    assert (duck.exit_code, duck.stdout) == (3, "")
    assert duck.stderr.startswith("Error: events: ")
    assert f'Parquet file "{events}"' in duck.stderr and "/proc/self/fd" not in duck.stderr
    assert len(duck.stderr.splitlines()) == 1
