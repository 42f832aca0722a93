"""How to cite a dataset: `chrono cite` in three formats and `chrono info`."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from chrono import __version__
from chrono.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_plain(westphalia: Path) -> None:
    assert run("cite", str(westphalia)) == (
        0,
        "Example Research Group & Ada Example (2026). Peace talks of the Thirty Years' War "
        f"(test fixture) (version 0.1.0) [Data set]. Built with chrono-data {__version__}. "
        "https://example.org/westphalia-chronology\n",
        "",
    )


def test_bibtex(westphalia: Path) -> None:
    assert run("cite", str(westphalia), "--format", "bibtex") == (
        0,
        "@misc{westphalia-0-1-0,\n"
        "  author = {{Example Research Group} and Example, Ada},\n"
        "  title = {{Peace talks of the Thirty Years' War (test fixture)}},\n"
        "  year = {2026},\n"
        "  version = {0.1.0},\n"
        "  url = {https://example.org/westphalia-chronology},\n"
        f"  note = {{Data set. Built with chrono-data {__version__}}}\n"
        "}\n",
        "",
    )


def test_cff_is_yaml_with_the_creators(westphalia: Path) -> None:
    code, out, _ = run("cite", str(westphalia), "-f", "cff")
    assert code == 0
    assert yaml.safe_load(out) == {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": "Peace talks of the Thirty Years' War (test fixture)",
        "version": "0.1.0",
        "authors": [
            {"name": "Example Research Group"},
            {
                "family-names": "Example",
                "given-names": "Ada",
                "orcid": "https://orcid.org/0000-0002-1825-0097",
                "affiliation": "Example University",
            },
        ],
        "license": "CC0-1.0",
        "repository": "https://example.org/westphalia-chronology",
        "date-released": "2026-11-30",
    }


#: The keys CFF 1.2.0 allows at the top level (its schema's ``properties``, with
#: ``additionalProperties: false``), and those it requires.
CFF_KEYS = {
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi",
    "identifiers", "keywords", "license", "license-url", "message", "preferred-citation",
    "references", "repository", "repository-artifact", "repository-code", "title", "type",
    "url", "version",
}  # fmt: skip
CFF_REQUIRED = {"authors", "cff-version", "message", "title"}


def test_cff_has_only_keys_the_cff_schema_allows(westphalia: Path, mini: Path) -> None:
    # cffconvert and GitHub's citation parser reject a file with any other key
    for dataset in (westphalia, mini, "russia-china-summits"):
        code, out, err = run("cite", str(dataset), "-f", "cff")
        assert (code, err) == (0, "")
        keys = set(yaml.safe_load(out))
        assert CFF_REQUIRED <= keys <= CFF_KEYS, keys - CFF_KEYS


def test_the_descriptor_carries_the_creators(westphalia: Path) -> None:
    desc = json.loads((westphalia / "datapackage.json").read_text())
    assert desc["contributors"] == [
        {"title": "Example Research Group", "role": "author"},
        {
            "title": "Ada Example",
            "role": "author",
            "path": "https://orcid.org/0000-0002-1825-0097",
            "organization": "Example University",
        },
    ]
    assert desc["chrono"]["released"] == "2026-11-30"


def test_bibtex_escapes_the_specials(tmp_path: Path) -> None:
    from chrono.citation import bibtex

    desc = {"name": "x", "title": "50% of {all} & $1 #2 a_b ~x^2", "version": "1.0.0"}
    assert (
        "title = {{50\\% of \\{all\\} \\& \\$1 \\#2 a\\_b \\textasciitilde{}x\\textasciicircum{}2}}"
    ) in bibtex(desc, "9")


def test_info_and_cite_survive_a_malformed_descriptor(mini: Path) -> None:
    desc = json.loads((mini / "datapackage.json").read_text())
    desc["licenses"] = "CC0-1.0"
    desc["chrono"]["creators"] = "someone"
    (mini / "datapackage.json").write_text(json.dumps(desc))
    code, out, _ = run("info", "-d", str(mini))
    assert code == 0 and "license     none stated\n" in out
    assert run("cite", str(mini))[0] == 0
