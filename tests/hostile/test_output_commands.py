"""Output injection in the commands beyond validate, diff, show, list, info and textconv:
coverage, cite, vocab, init, the views, schemas, validate --schema-only and --discover, and
diff --format latex. Each text from the data (ids, titles, values, notes, creators, DOIs,
declared definitions, file names) comes out inert in each format; whole outputs asserted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from chrono.cli import main
from chrono.escape import bibtex, latex, markdown_text, terminal
from chrono.model.vocab import VOCABULARIES
from harness import copy_mini
from test_output import CONTROL, EVIL, inert
from test_wrong_data import rewrite, setcol

#: EVIL as each format shows it (written out, so that a change of escaping fails here).
SHOWN = (
    r"x\n::error file=evil.yaml,line=1::pwned |<script>alert(1)</script>| [x](http://e) "
    r"`code` \x1b[31mred\x1b[0m \x1b]8;;http://e\x07link\x1b]8;;\x07 \x07bell\rback \u202eevil"
)
MD = (
    r"x\\n::error file=evil.yaml,line=1::pwned \|\<script\>alert(1)\</script\>\| "
    r"\[x\](http\://e) \`code\` \\x1b\[31mred\\x1b\[0m \\x1b\]8;;http\://e\\x07link"
    r"\\x1b\]8;;\\x07 \\x07bell\\rback \\u202eevil"
)
SLASH = r"\textbackslash{}"
LATEX = (
    r"x ::error file=evil.yaml,line=1::pwned \textbar{}\textless{}script\textgreater{}"
    r"alert(1)\textless{}/script\textgreater{}\textbar{} [x](http://e) `code` "
    rf"{SLASH}x1b[31mred{SLASH}x1b[0m {SLASH}x1b]8;;http://e{SLASH}x07link{SLASH}x1b]8;;"
    rf"{SLASH}x07 {SLASH}x07bell back {SLASH}u202eevil"
)
BIB = (
    r"x ::error file=evil.yaml,line=1::pwned |<script>alert(1)</script>| [x](http://e) "
    rf"`code` {SLASH}x1b[31mred{SLASH}x1b[0m {SLASH}x1b]8;;http://e{SLASH}x07link"
    rf"{SLASH}x1b]8;;{SLASH}x07 {SLASH}x07bell back {SLASH}u202eevil"
)
QUOTED = (
    r'"x\n::error file=evil.yaml,line=1::pwned |<script>alert(1)</script>| [x](http://e) '
    r"`code` \u001b[31mred\u001b[0m \u001b]8;;http://e\u0007link\u001b]8;;\u0007 "
    r'\u0007bell\rback \u202eevil"'
)
CONTRADICTING = "meeting-2020/type/ministry-2020-06"


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_the_expected_forms_are_what_the_escaping_functions_give() -> None:
    assert (terminal(EVIL), markdown_text(EVIL), latex(EVIL), bibtex(EVIL)) == (
        SHOWN, MD, LATEX, BIB,
    )  # fmt: skip


@pytest.fixture
def loud(tmp_path: Path) -> Path:
    """The mini dataset, built only (no curated sources), with hostile text in an event id,
    a title (of a planned event), a contradicting claim's value and note, and in the
    descriptor's name, title, version, creators, DOI, homepage and declared definitions."""
    ds = copy_mini(tmp_path, "loud")

    def events(t: object) -> object:
        t = setcol(t, "title", "meeting-2019", EVIL)  # type: ignore[arg-type]
        t = setcol(t, "status", "meeting-2019", "planned")
        return setcol(t, "id", "summit-2020", EVIL)

    rewrite(ds, "events", events)  # type: ignore[arg-type]
    rewrite(ds, "claims", lambda t: setcol(setcol(t, "note", CONTRADICTING, EVIL), "value",
                                           CONTRADICTING, EVIL))  # fmt: skip
    desc = json.loads((ds / "datapackage.json").read_text())
    desc.update(name=EVIL, title=EVIL, version=EVIL, homepage=f"https://e.org/{EVIL}")
    desc["chrono"].update(
        creators=[{"name": EVIL}, {"name": "X", "family": EVIL, "given": "Y"}],
        doi=f"10.1/{EVIL}",
        vocabularies={"event_type": {"treaty": EVIL}},
    )
    (ds / "datapackage.json").write_text(json.dumps(desc))
    (ds / "dataset.yaml").unlink()
    return ds


def test_coverage_text(loud: Path) -> None:
    code, out, err = run("coverage", str(loud))
    assert (code, err) == (0, "")
    inert(out)
    w = len(SHOWN)
    assert out == (
        f"{SHOWN} {SHOWN}: 3 events, 8 claims, 2 sources\n"
        "\n"
        "Events by type and year\n"
        "  type                 2019  2020  all\n"
        "  state_visit                   1    1\n"
        "  bilateral_meeting       1          1\n"
        "  multilateral_summit           1    1\n"
        "  all                     1     2    3\n"
        "\n"
        "Sources per event\n"
        "  sources  events\n"
        "        0       1\n"
        "        1       1\n"
        "        2       1\n"
        "\n"
        "Events resting on a single source (1)\n"
        "  event         date  type               source\n"
        "  meeting-2019  2019  bilateral_meeting  gazette-2020-05-01\n"
        "\n"
        "Date claims with no quote or note (0)\n"
        "  none\n"
        "\n"
        "Contradicting claims (1)\n"
        f"  event         property  {'value':<{w}}  source            note\n"
        f"  meeting-2020  type      {SHOWN}  ministry-2020-06  {SHOWN}\n"
        "\n"
        "Planned events (1)\n"
        "  event         date  title\n"
        f"  meeting-2019  2019  {SHOWN}\n"
    )


def test_coverage_markdown(loud: Path) -> None:
    code, out, err = run("coverage", str(loud), "--format", "markdown")
    assert (code, err) == (0, "")
    assert not CONTROL.search(out)
    assert out == (
        f"# Coverage of {MD}\n"
        "\n"
        f"{MD} {MD}: 3 events, 8 claims, 2 sources.\n"
        "\n"
        "## Events by type and year\n"
        "\n"
        "| type | 2019 | 2020 | all |\n"
        "|---|---:|---:|---:|\n"
        "| state_visit |  | 1 | 1 |\n"
        "| bilateral_meeting | 1 |  | 1 |\n"
        "| multilateral_summit |  | 1 | 1 |\n"
        "| all | 1 | 2 | 3 |\n"
        "\n"
        "## Sources per event\n"
        "\n"
        "| sources | events |\n"
        "|---:|---:|\n"
        "| 0 | 1 |\n"
        "| 1 | 1 |\n"
        "| 2 | 1 |\n"
        "\n"
        "## Events resting on a single source (1)\n"
        "\n"
        "| event | date | type | source |\n"
        "|---|---|---|---|\n"
        "| meeting-2019 | 2019 | bilateral_meeting | gazette-2020-05-01 |\n"
        "\n"
        "## Date claims with no quote or note (0)\n"
        "\n"
        "None.\n"
        "\n"
        "## Contradicting claims (1)\n"
        "\n"
        "| event | property | value | source | note |\n"
        "|---|---|---|---|---|\n"
        f"| meeting-2020 | type | {MD} | ministry-2020-06 | {MD} |\n"
        "\n"
        "## Planned events (1)\n"
        "\n"
        "| event | date | title |\n"
        "|---|---|---|\n"
        f"| meeting-2019 | 2019 | {MD} |\n"
    )
    for line in out.splitlines():  # every table row keeps its cells
        if line.startswith("| meeting-2020"):
            assert line.count("|") - line.count("\\|") == 6


def test_cite_text_bibtex_and_cff(loud: Path) -> None:
    code, out, err = run("cite", str(loud))
    assert (code, err) == (0, "")
    inert(out)
    assert out == (
        f"{SHOWN} & X (n.d.). {SHOWN} (version {SHOWN}) [Data set]. "
        f"Built with chrono-data 0.1.0. https://doi.org/10.1/{SHOWN}\n"
    )
    code, out, err = run("cite", str(loud), "--format", "bibtex")
    assert (code, err) == (0, "")
    inert(out)
    key = "x-error-file-evil-yaml-line-1-pwned-script-alert-1-script-x-http-e-code-31mred-0m-8-http-e-link-8-bell-back-evil"  # noqa: E501
    url = (
        r"https://doi.org/10.1/x\%0A::error\%20file=evil.yaml,line=1::pwned\%20\%7C\%3Cscript"
        r"\%3Ealert(1)\%3C/script\%3E\%7C\%20[x](http://e)\%20\%60code\%60\%20\%1B[31mred\%1B"
        r"[0m\%20\%1B]8;;http://e\%07link\%1B]8;;\%07\%20\%07bell\%0Dback\%20\%E2\%80\%AEevil"
    )
    assert out == (
        f"@misc{{{key}-{key},\n"
        f"  author = {{{{{BIB}}} and {BIB}, Y}},\n"
        f"  title = {{{{{BIB}}}}},\n"
        f"  version = {{{BIB}}},\n"
        f"  doi = {{10.1/{BIB}}},\n"
        f"  url = {{{url}}},\n"
        "  note = {Data set. Built with chrono-data 0.1.0}\n"
        "}\n"
    )
    code, out, err = run("cite", str(loud), "--format", "cff")
    assert (code, err) == (0, "")
    assert not CONTROL.search(out)
    assert out == (
        "cff-version: 1.2.0\n"
        'message: "If you use this dataset, please cite it as below."\n'
        "type: dataset\n"
        f"title: {QUOTED}\n"
        f"version: {QUOTED}\n"
        "authors:\n"
        f"  - name: {QUOTED}\n"
        f"  - family-names: {QUOTED}\n"
        '    given-names: "Y"\n'
        'license: "CC0-1.0"\n'
        f'doi: "10.1/{QUOTED[1:]}\n'
        f'url: "https://e.org/{QUOTED[1:]}\n'
    )
    import yaml

    assert yaml.safe_load(out)["title"] == EVIL  # the same text, read back


def test_vocab_shows_declared_definitions_inert(loud: Path) -> None:
    code, out, err = run("vocab", str(loud), "event_type")
    assert (code, err) == (0, "")
    inert(out)
    assert out.splitlines()[-1] == f"  treaty                   dataset  {SHOWN}"


def test_views_messages(loud: Path, tmp_path: Path) -> None:
    target = tmp_path / "a\x1b[31m\n.json"
    code, out, err = run("export", "json", str(loud), "-o", str(target))
    assert (code, err) == (0, "")
    assert out == (
        f"wrote {tmp_path}/a\\x1b[31m\\n.json: json, 2 places, 3 actors, 2 sources, 3 events, "
        "5 participants, 8 claims\n"
    )
    code, out, err = run("export", "json", str(loud), "-o", str(target))
    assert (code, out) == (2, "")
    assert err == (
        f"Error: {tmp_path}/a\\x1b[31m .json: already exists (use --force to replace it)\n"
    )


def test_diff_latex(loud: Path, mini_src: Path) -> None:
    code, out, err = run("diff", str(mini_src), str(loud), "-f", "latex", "-t", "events")
    assert (code, err) == (1, "")
    assert not CONTROL.search(out)
    key = r"\texttt{x" + SLASH + "n" + LATEX[2:].replace(" back", SLASH + "rback") + "}"
    assert out.splitlines()[14:] == [
        r"\multicolumn{3}{@{}l}{\emph{events}} \\",
        rf"renamed & \texttt{{summit-2020}} $\rightarrow$ {key} &  \\",
        rf"changed & \texttt{{meeting-2019}} & title: Earlier meeting $\rightarrow$ {LATEX} \\",
        r" &  & status: confirmed $\rightarrow$ planned \\",
        r"\end{longtable}",
    ]


def test_schemas_and_schema_only_name_hostile_files_inert(tmp_path: Path) -> None:
    from chrono import schemas as gen

    out_dir = tmp_path / "schemas"
    gen.write(out_dir)
    (out_dir / "tables" / "x\x1b[31m\n::error::y.json").write_text("{}\n")
    code, out, err = run("schemas", "--check", str(out_dir))
    assert (code, err) == (1, "")
    assert out == (
        f"{out_dir}/tables/x\\x1b[31m\\n::error::y.json: not generated from the model (remove it)\n"
    )
    ds = copy_mini(tmp_path)
    event = ds / "events" / "meeting-2019.yaml"
    hostile = ds / "events" / "a\x1b[31m\n::error::b.yaml"
    event.rename(hostile)
    hostile.write_text(
        hostile.read_text().replace("type: bilateral_meeting", 'type: "x\\e[31m\\n::error::z"')
    )
    code, out, err = run("validate", "--schema-only", str(ds))
    assert (code, err) == (1, "schema check: 7 curated files, 1 problem in 1 of 7 files\n")
    inert(out)
    terms = ", ".join(VOCABULARIES["event_type"])
    assert out == (
        f"{ds}/events/a\\x1b[31m\\n::error::b.yaml:4:7: CHR501 field 'type': "
        f"'x\\x1b[31m\\n::error::z' is not a term of the event_type vocabulary ({terms}); "
        "declare a new term in dataset.yaml under vocabularies: event_type:\n"
    )


def test_discover_messages(tmp_path: Path) -> None:
    empty = tmp_path / "a\n::error::x"
    empty.mkdir()
    summary = tmp_path / "summary.md"
    code, out, err = run(
        "validate", "--discover", str(empty), "--format", "github", "--summary", str(summary)
    )
    why = (
        "no folder holds a dataset.yaml or datapackage.json (searched as git sees it, skipping "
        "hidden folders, node_modules and virtual environments); name the dataset folders to "
        "validate"
    )
    assert (code, out, err) == (
        3,
        f"::error title=chrono validate::no dataset found in {tmp_path}/a%0A::error::x: {why}\n",
        f"Error: no dataset found in {tmp_path}/a ::error::x: {why}\n",
    )
    shown = markdown_text(f"no dataset found in {tmp_path}/a\n::error::x: {why}")
    assert summary.read_text() == f"## chrono validate\n\n❌ {shown}\n"
    assert "\n::" not in summary.read_text()
