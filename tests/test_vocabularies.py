"""Vocabularies a dataset declares: in the build, the descriptor, validate, the loaders,
pandera and `chrono vocab`; declarations that are not allowed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pandera.errors
import pytest
from click.testing import CliRunner

import chrono
from chrono import build as builder
from chrono.cli import main
from chrono.model.vocab import VOCABULARIES
from chrono.model.vocabularies import CORE, Vocabularies, VocabularyError
from chrono.validation import pandera_schema, validate


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_declared_terms_follow_the_core_ones() -> None:
    v = Vocabularies({"event_type": {"treaty": "A treaty.", "battle": "A battle."}})
    assert v.terms("event_type")[:2] == ("state_visit", "official_visit")
    assert v.terms("event_type")[-2:] == ("treaty", "battle")
    assert v.terms("stance") == CORE.terms("stance")
    assert (v.origin("event_type", "treaty"), v.origin("event_type", "visit")) == (
        "dataset",
        "core",
    )
    assert v.to_descriptor() == {"event_type": {"treaty": "A treaty.", "battle": "A battle."}}
    assert v == Vocabularies(v.to_descriptor()) and hash(v) == hash(Vocabularies(v.declared))


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        (
            {"stance": {"neutral": "Neither."}},
            "vocabularies.stance: the stance vocabulary cannot be extended: the provenance "
            "rules read supports and contradicts",
        ),
        (
            {"event_type": {"state_visit": "Mine."}},
            "vocabularies.event_type.state_visit: 'state_visit' is a core term of event_type "
            "and cannot be redefined (core: A head of state's visit announced as a state visit "
            "(highest protocol rank).)",
        ),
        (
            {"event_type": {"treaty": ""}},
            "vocabularies.event_type.treaty: the new term 'treaty' needs a definition (text)",
        ),
        (
            {"event_type": {"Peace Treaty": "A treaty."}},
            "vocabularies.event_type.Peace Treaty: 'Peace Treaty' is not a term name "
            "(lower-case words joined by '_', e.g. peace_treaty)",
        ),
        (
            {"colour": {"red": "Red."}},
            "vocabularies.colour: no vocabulary 'colour' (extensible: actor_kind, event_type, "
            "property, role, source_kind)",
        ),
    ],
)
def test_declarations_that_are_not_allowed(
    declared: dict[str, dict[str, str]], message: str
) -> None:
    with pytest.raises(VocabularyError) as err:
        Vocabularies(declared)
    assert str(err.value) == message


def test_the_terms_travel_in_the_descriptor(westphalia: Path) -> None:
    desc = json.loads((westphalia / "datapackage.json").read_text())
    declared = desc["chrono"]["vocabularies"]
    assert list(declared) == ["event_type", "source_kind", "role", "property"]
    assert declared["event_type"]["treaty"] == "A treaty signed or ratified by the parties."
    events = next(r for r in desc["resources"] if r["name"] == "events")
    enum = next(f for f in events["schema"]["fields"] if f["name"] == "type")["constraints"]
    assert enum["enum"][-4:] == ["peace_congress", "treaty", "battle", "assassination"]


def test_validate_of_the_parquet_alone_knows_them(westphalia: Path, tmp_path: Path) -> None:
    built = tmp_path / "built"
    built.mkdir()
    (built / "datapackage.json").write_bytes((westphalia / "datapackage.json").read_bytes())
    (built / "data").mkdir()
    for f in (westphalia / "data").iterdir():
        (built / "data" / f.name).write_bytes(f.read_bytes())
    report = validate(built)
    assert report.valid and report.counts == {"error": 0, "warning": 0}
    desc = json.loads((built / "datapackage.json").read_text())
    del desc["chrono"]["vocabularies"]  # without the declaration the terms are unknown
    (built / "datapackage.json").write_text(json.dumps(desc))
    res = validate(built, max_examples=20).results["CHR501"]
    # 4 event types, 3 monograph/letter sources, 2 roles, 1 property: 10 rows
    assert res.count == 10
    assert sorted({f.value for f in res.examples}) == [
        "assassination",
        "battle",
        "casualties",
        "letter",
        "mediator",
        "monograph",
        "peace_congress",
        "treaty",
        "victim",
    ]


def test_a_bad_declaration_in_a_descriptor_is_reported(westphalia: Path) -> None:
    desc = json.loads((westphalia / "datapackage.json").read_text())
    desc["chrono"]["vocabularies"]["mode"] = {"rumoured": "Heard of."}
    (westphalia / "datapackage.json").write_text(json.dumps(desc))
    (westphalia / "dataset.yaml").unlink()  # the Parquet alone
    res = validate(westphalia).results["CHR502"]
    assert res.count == 1
    assert res.examples[0].message == (
        "chrono.vocabularies.mode: the mode vocabulary cannot be extended: the "
        "publication-date rules read reported, announced and ongoing in datapackage.json"
    )


def test_loaders_categories_include_them(westphalia: Path) -> None:
    events = chrono.load("events", westphalia)
    assert list(events["type"].cat.categories[-4:]) == [
        "peace_congress",
        "treaty",
        "battle",
        "assassination",
    ]
    assert events.set_index("id").loc["treaty-of-munster-1648", "type"] == "treaty"
    claims = chrono.load_dataset(westphalia)["claims"]
    assert "casualties" in set(claims["property"])


def test_pandera_schema_of_the_dataset_accepts_them(westphalia: Path) -> None:
    events = chrono.load("events", westphalia)
    pandera_schema("events", westphalia).validate(events)
    with pytest.raises(pandera.errors.SchemaError):
        pandera_schema("events").validate(events)  # the core terms alone


def test_an_undeclared_term_names_the_fix(westphalia: Path) -> None:
    edit(westphalia / "events/battle-of-lutzen-1632.yaml", "type: battle", "type: siege")
    code, out, err = run("build", str(westphalia))
    assert (code, out) == (1, "")
    first = err.splitlines()[0]
    assert first.startswith(
        f"{westphalia}/events/battle-of-lutzen-1632.yaml:4:7: CHR501 field 'type': 'siege' is "
        "not a term of the event_type vocabulary (state_visit, "
    )
    assert first.endswith(
        "press_statement, peace_congress, treaty, battle, assassination); declare a new term "
        "in dataset.yaml under vocabularies: event_type:"
    )


def test_a_declaration_that_shadows_a_core_term_is_a_build_error(westphalia: Path) -> None:
    edit(westphalia / "dataset.yaml", "    battle: A battle", "    visit: A visit")
    code, _, err = run("build", str(westphalia))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{westphalia}/dataset.yaml:25:5: CHR502 vocabularies: 'visit' is a core term of "
        "event_type and cannot be redefined (core: A visit whose kind the sources do not state.)"
    )


def test_vocab_lists_every_term_with_its_origin(westphalia: Path) -> None:
    code, out, _ = run("vocab", str(westphalia), "role")
    assert code == 0
    assert out.splitlines() == [
        "role (open: a dataset may add terms)",
        "  host          core     Receives the visit or hosts the meeting.",
        "  guest         core     Visits or is received.",
        "  participant   core     Takes part, with no host or guest role.",
        "  signatory     core     Signs or issues a statement or document.",
        "  announcer     core     Announces the event.",
        "  spokesperson  core     Speaks for a government or body.",
        "  author        core     Authors or publishes a document.",
        "  initiator     core     Starts a military action.",
        "  target        core     Is the object of a military action.",
        "  mediator      dataset  Mediates between the parties without being one of them.",
        "  victim        dataset  Is killed or harmed.",
    ]
    code, out, _ = run("vocab", str(westphalia))
    assert code == 0
    assert "stance (closed)" in out.splitlines()
    assert run("vocab", str(westphalia), "roles") == (
        2,
        "",
        "Error: no vocabulary 'roles'; did you mean 'role'?\n",
    )
    assert run("vocab", str(westphalia), "colour") == (
        2,
        "",
        f"Error: no vocabulary 'colour' (there are: {', '.join(sorted(VOCABULARIES))})\n",
    )


def test_a_lone_vocabulary_name_is_the_default_dataset_s(tmp_path: Path) -> None:
    """`chrono vocab role` asks for the role vocabulary, not for a dataset named role."""
    assert run("vocab", "role") == run("vocab", "russia-china-summits", "role")
    assert run("vocab", "role")[0] == 0
    assert run("vocab", "rol") == (
        2,
        "",
        "Error: no dataset or vocabulary 'rol'; did you mean 'role'?\n",
    )
    (tmp_path / "role").mkdir()  # a folder of that name is what it names
    code, _, err = run("vocab", str(tmp_path / "role"))
    assert (code, err) == (
        3,
        f"Error: {tmp_path / 'role' / 'datapackage.json'}: not found (a dataset needs a "
        "datapackage.json)\n",
    )


def test_categories_are_the_vocabulary_even_when_unused(westphalia: Path) -> None:
    kinds = chrono.load("sources", westphalia)["kind"]
    assert isinstance(kinds.dtype, pd.CategoricalDtype)
    assert list(kinds.cat.categories) == [
        "news_report",
        "official_statement",
        "document_text",
        "monograph",
        "letter",
    ]


def test_the_bundled_build_is_unchanged_by_an_empty_declaration(tmp_path: Path) -> None:
    import shutil

    from conftest import MINI

    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    before = (target / "datapackage.json").read_bytes()
    builder.write(target, builder.build(target))
    assert (target / "datapackage.json").read_bytes() == before
