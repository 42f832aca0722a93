"""Output injection: text from a dataset never drives a terminal, a GitHub log or a
markdown renderer (ids, titles, column names, descriptor fields)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from chrono.cli import main
from chrono.escape import github_data, github_property, markdown_code, markdown_text, terminal
from conftest import table_file
from harness import chrono, copy_mini
from test_wrong_data import rewrite, setcol

EVIL = (
    "x\n::error file=evil.yaml,line=1::pwned |<script>alert(1)</script>| [x](http://e) "
    "`code` \x1b[31mred\x1b[0m \x1b]8;;http://e\x07link\x1b]8;;\x07 \x07bell\rback \u202eevil"
)
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    """The mini dataset with hostile text in ids, titles, a column name and the descriptor."""
    ds = copy_mini(tmp_path, "evil")
    rewrite(ds, "events", lambda t: setcol(setcol(t, "title", "meeting-2019", EVIL), "id",
                                           "summit-2020", EVIL))  # fmt: skip
    rewrite(ds, "actors", lambda t: t.append_column(EVIL, pa.array(["v"] * t.num_rows)))
    desc = json.loads((ds / "datapackage.json").read_text())
    desc.update(name=EVIL, title=EVIL, licenses=EVIL, version=EVIL)
    (ds / "datapackage.json").write_text(json.dumps(desc))
    return ds


SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def rendered_live(markdown: str) -> str:
    """The markdown outside code spans (inside them nothing renders), escapes removed."""
    return re.sub(r"\\.", "", SPAN.sub("", markdown))


def markdown_inert(out: str) -> None:
    assert not CONTROL.search(out)
    live = rendered_live(out)
    for bad in ("<script", "<", "](", "http://", "\n::", "`", "\x1b"):
        assert bad not in live, (bad, live)


def inert(out: str) -> None:
    """One logical line per line, and nothing a terminal obeys."""
    assert not CONTROL.search(out), CONTROL.search(out)
    assert not any(line.startswith("::") for line in out.splitlines())


def invoke(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_validate_text(evil: Path) -> None:
    r = chrono("validate", str(evil))  # a real process: what a terminal gets
    assert r.code == 1
    inert(r.out)
    assert "x\\n::error file=evil.yaml,line=1::pwned" in r.out
    assert "\\x1b[31mred\\x1b[0m \\x1b]8;;http://e\\x07link" in r.out


def test_validate_github(evil: Path) -> None:
    code, out, _ = invoke("validate", str(evil), "--format", "github", "--max-examples", "50")
    assert code == 1
    lines = out.splitlines()
    assert all(re.match(r"::(error|warning) [^:]*::|::notice::", line) for line in lines)
    assert not CONTROL.search(out)
    assert not any("pwned" in line.split("::", 2)[1] for line in lines)  # not a property
    assert any("x%0A::error file=evil.yaml,line=1::pwned" in line for line in lines)


def test_validate_markdown(evil: Path) -> None:
    code, out, _ = invoke("validate", str(evil), "--format", "markdown", "--max-examples", "50")
    assert code == 1
    markdown_inert(out.replace("<details><summary>Examples</summary>", "").replace(
        "</details>", ""))  # fmt: skip
    for line in out.splitlines():
        if line.startswith("|"):
            assert line.endswith("|") and line.count("|") - line.count("\\|") == 5


def test_validate_json_keeps_the_text_exact(evil: Path) -> None:
    code, out, _ = invoke("validate", str(evil), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["datasets"][0]["dataset"] == EVIL
    assert not CONTROL.search(out)  # JSON escapes what it holds


def test_diff_text_and_markdown(evil: Path, mini_src: Path) -> None:
    code, out, _ = invoke("diff", str(mini_src), str(evil))
    assert code == 1
    inert(out)
    code, out, _ = invoke("diff", str(mini_src), str(evil), "-f", "markdown")
    assert code == 1
    markdown_inert(out)
    code, out, _ = invoke("diff", str(mini_src), str(evil), "-f", "json")
    assert code == 1 and not CONTROL.search(out) and json.loads(out)["new"] == str(evil)


def test_textconv_show_list_info(evil: Path) -> None:
    code, out, _ = invoke("textconv", str(table_file(evil, "events")))
    assert code == 0 and len(out.splitlines()) == 3
    inert(out)
    code, out, _ = invoke("textconv", str(table_file(evil, "actors")))
    assert code == 0 and len(out.splitlines()) == 3
    inert(out)
    code, out, _ = invoke("show", "meeting-2019", "-d", str(evil))
    assert code == 0
    inert(out)
    code, out, _ = invoke("list", str(evil))
    assert code == 0
    inert(out)
    code, out, err = invoke("info", "-d", str(evil))
    assert code == 0, err
    inert(out)
    assert "license     none stated" in out  # licenses as a string: not a crash


def test_error_messages_are_one_inert_line(tmp_path: Path) -> None:
    name = tmp_path / "a\nb\x1b[31m"
    name.mkdir()
    code, out, err = invoke("validate", str(name))
    assert code == 3 and out == ""
    assert err.count("\n") == 1 and "\x1b" not in err and "b\\x1b[31m" in err


def test_escaping_functions() -> None:
    assert terminal("a\tb\u2028c\x9bd") == "a\\tb\\u2028c\\x9bd"
    # a file name's byte that is not UTF-8, as Python holds it: shown, so it can be written
    assert terminal("events/\udcff.yaml") == "events/\\udcff.yaml"
    assert terminal("events/\udcff.yaml").encode("utf-8") == b"events/\\udcff.yaml"
    assert markdown_text("a|b `c` <i>x</i> *y* _z_ @u $m$ www.e.org") == (
        "a\\|b \\`c\\` \\<i\\>x\\</i\\> \\*y\\* \\_z\\_ \\@u \\$m\\$ www\\.e.org"
    )
    assert markdown_code("a|b", table=True) == "`a\\|b`"
    assert markdown_code("``x`") == "``` ``x` ```"
    assert markdown_code("") == "` `"
    assert github_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert github_property("a:b,c") == "a%3Ab%2Cc"


def test_a_nested_column_in_a_table(tmp_path: Path, mini_src: Path) -> None:
    """Crash class: a nested column type reached Arrow casts in diff."""
    old, new = copy_mini(tmp_path, "old"), copy_mini(tmp_path, "new")
    for ds, values in ((old, [[1], [2, 3], None]), (new, [{"x": 1}, None, {"x": 2}])):
        path = table_file(ds, "events")
        t = pq.read_table(path)
        pq.write_table(t.append_column("extra", pa.array(values)), path)
    for engine in ("arrow", "duckdb"):
        code, out, err = invoke("diff", str(old), str(new), "-t", "events", "--engine", engine)
        assert (code, err) == (1, "")
        assert "~ column extra: list<element: int64> → struct<x: int64>" in out
        assert 'extra: "[1]" → "{\\"x\\": 1}"' in out
