"""schemas/: generated from the model, spec-valid, drift-checked; JSON-LD that expands."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from chrono import schemas
from chrono.cli import main
from chrono.dataset import Dataset
from chrono.model import jsonld, tables
from chrono.model.curated import RECORDS
from chrono.model.curated_schema import KINDS, curated_schema
from chrono.model.dates import format_day
from chrono.model.patterns import SchemaError
from chrono.model.schema import frictionless_schema
from chrono.model.tables import TABLES, Column, Table
from chrono.model.vocab import PRECISION_ORDER
from chrono.model.vocabularies import Vocabularies
from conftest import BUNDLED, MINI, ROOT

SCHEMAS = ROOT / "schemas"
PROFILE = json.loads((ROOT / "tests/data/frictionless/table-schema.json").read_text())
TABLE_SCHEMA = jsonschema.Draft4Validator(PROFILE)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


# --- no drift -----------------------------------------------------------------------------


def test_committed_schemas_are_generated_from_the_model() -> None:
    assert schemas.check(SCHEMAS) == [], "run: chrono schemas --write"


def test_generated_files_are_the_tables_the_curated_files_the_context_and_the_reports() -> None:
    assert list(schemas.generate()) == [
        "chrono.context.jsonld",
        *(f"curated/{k}.schema.json" for k in sorted(KINDS)),
        "diff-report.schema.json",
        *(f"tables/{t}.schema.json" for t in sorted(TABLES)),
        "validate-report.schema.json",
    ]


def test_report_schemas_take_their_codes_and_classes_from_the_code() -> None:
    from chrono.diffing.core import DATE_CLASSES
    from chrono.validation.rules import RULES

    report = json.loads(schemas.generate()["validate-report.schema.json"])
    assert report["$defs"]["finding"]["properties"]["code"]["enum"] == sorted(RULES)
    diff = json.loads(schemas.generate()["diff-report.schema.json"])
    assert diff["$defs"]["date_class"]["enum"] == list(DATE_CLASSES[1:])
    assert diff["$defs"]["table"]["properties"]["name"]["enum"] == list(TABLES)


def test_generation_is_deterministic_json_ending_in_a_newline() -> None:
    first, second = schemas.generate(), schemas.generate()
    assert first == second
    for rel, blob in first.items():
        assert blob.endswith(b"}\n") and not blob.endswith(b"\n\n"), rel
        assert schemas.to_bytes(json.loads(blob)) == blob, rel


def test_check_names_each_missing_differing_and_stray_file(tmp_path: Path) -> None:
    assert schemas.write(tmp_path) == list(schemas.generate())
    assert schemas.write(tmp_path) == []
    (tmp_path / "tables/events.schema.json").write_text("{}\n")
    (tmp_path / "curated/places.schema.json").unlink()
    (tmp_path / "tables/old.schema.json").write_text("{}\n")
    assert schemas.check(tmp_path) == [
        f"{tmp_path}/curated/places.schema.json: missing (run: chrono schemas --write)",
        f"{tmp_path}/tables/events.schema.json: differs from the model "
        "(run: chrono schemas --write)",
        f"{tmp_path}/tables/old.schema.json: not generated from the model (remove it)",
    ]


def test_cli_check_exits_1_with_one_line_per_file_and_write_repairs(tmp_path: Path) -> None:
    code, out, _ = run("schemas", "--check", str(tmp_path))
    assert code == 1
    assert out.splitlines() == [
        f"{tmp_path}/{rel}: missing (run: chrono schemas --write)" for rel in schemas.generate()
    ]
    code, out, _ = run("schemas", "--write", str(tmp_path))
    assert (code, out) == (0, f"{tmp_path}: wrote {', '.join(schemas.generate())}\n")
    code, out, _ = run("schemas", "--check", str(tmp_path))
    assert (code, out) == (0, f"{tmp_path}: up to date ({len(schemas.generate())} files)\n")
    code, out, _ = run("schemas", "--write", str(tmp_path))
    assert (code, out) == (0, f"{tmp_path}: unchanged\n")


def test_cli_lists_the_generated_files_without_an_option() -> None:
    code, out, _ = run("schemas")
    assert code == 0
    assert out.splitlines() == [f"schemas/{rel}" for rel in schemas.generate()]


def test_a_model_the_schemas_cannot_express_fails_naming_the_column(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = replace(
        TABLES["claims"],
        columns=tuple(
            replace(c, pattern=r"^p(?P<n>[1-9][0-9]*)$") if c.name == "locator" else c
            for c in TABLES["claims"].columns
        ),
    )
    monkeypatch.setitem(tables.TABLES, "claims", broken)
    code, out, err = run("schemas", "--check", str(tmp_path))
    assert (code, out) == (1, "")
    assert err == (
        "Error: the model cannot be expressed as a schema: claims.locator: pattern "
        "'^p(?P<n>[1-9][0-9]*)$' uses groups with (?...) (non-capturing, lookaround, named, "
        "flags), which Table Schema (XML Schema) regular expressions cannot express\n"
    )
    assert not any(tmp_path.iterdir())


def _table(*columns: Column, fk: tuple[tables.ForeignKey, ...] = ()) -> Table:
    return Table("things", "Things.", (Column("id", "string", "Id."), *columns), ("id",), fk)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            _table(Column("size", "decimal", "Size.")),
            "things.size: column kind 'decimal' has no Table Schema type",
        ),
        (
            _table(Column("size", "float", "Size.", pattern="^[0-9]+$")),
            "things.size: a pattern on a float column cannot be expressed "
            "(Table Schema patterns apply to strings)",
        ),
        (
            _table(Column("code", "string", "Code.", pattern="[A-Z]+")),
            "things.code: pattern '[A-Z]+' is not anchored with ^...$; Table Schema patterns "
            "match whole values, so an unanchored search cannot be expressed",
        ),
        (
            _table(Column("code", "string", "Code.", pattern=r"^\bA+$")),
            r"things.code: pattern '^\\bA+$' uses the anchors \b, \A, \Z, which Table Schema "
            "(XML Schema) regular expressions cannot express",
        ),
        (
            _table(Column("colour", "vocab", "Colour.", vocabulary="colour")),
            "things.colour: vocabulary 'colour' is not defined in chrono.model.vocab",
        ),
        (
            _table(Column("start", "date", "Start.", derived_from="when")),
            "things.start: derived from 'when', which is not a column of things",
        ),
        (
            _table(
                Column("place_id", "string", "Place."),
                fk=(tables.ForeignKey(("place_id",), "places", ("key",)),),
            ),
            "things.place_id: foreign key to places.key, which is not a column",
        ),
    ],
)
def test_each_inexpressible_column_is_named_with_the_reason(table: Table, message: str) -> None:
    with pytest.raises(SchemaError) as exc:
        frictionless_schema(table)
    assert str(exc.value) == message


def test_a_column_without_a_json_ld_term_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    places = TABLES["places"]
    grown = replace(places, columns=(*places.columns, Column("altitude", "float", "Metres.")))
    monkeypatch.setitem(tables.TABLES, "places", grown)
    with pytest.raises(SchemaError) as exc:
        schemas.generate()
    assert str(exc.value) == (
        "places.altitude: no JSON-LD term (add one to chrono.model.jsonld.CLASSES)"
    )


def test_a_curated_field_without_an_example_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    actor = tuple(replace(f, example=None) if f.name == "name" else f for f in RECORDS["actor"])
    monkeypatch.setitem(RECORDS, "actor", actor)
    with pytest.raises(SchemaError) as exc:
        curated_schema("actors")
    assert str(exc.value) == ("actor.name: no example (give the field one in chrono.model.curated)")


def test_a_curated_field_that_disagrees_with_its_column_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tuple(
        replace(f, vocabulary="actor_kind") if f.name == "kind" else f for f in RECORDS["source"]
    )
    monkeypatch.setitem(RECORDS, "source", source)
    with pytest.raises(SchemaError) as exc:
        curated_schema("sources")
    assert str(exc.value) == (
        "source.kind: vocabulary 'actor_kind' differs from that of column sources.kind "
        "('source_kind')"
    )


# --- table schemas ------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TABLES))
def test_table_schema_is_valid_against_the_official_profile(name: str) -> None:
    schema = json.loads((SCHEMAS / f"tables/{name}.schema.json").read_text())
    assert [e.message for e in TABLE_SCHEMA.iter_errors(schema)] == []


def test_the_old_format_edtf_was_not_spec_valid() -> None:
    schema = frictionless_schema("events")
    next(f for f in schema["fields"] if f["name"] == "date")["format"] = "edtf"
    assert not TABLE_SCHEMA.is_valid(schema)


@pytest.mark.parametrize("root", [BUNDLED, MINI], ids=["bundled", "mini"])
def test_the_build_writes_the_same_table_schemas_into_the_descriptor(root: Path) -> None:
    descriptor = Dataset.open(root).descriptor
    for resource in descriptor["resources"]:
        committed = json.loads((SCHEMAS / f"tables/{resource['name']}.schema.json").read_text())
        assert resource["schema"] == committed


def test_table_schema_fields_carry_the_model_in_chrono_properties() -> None:
    fields = {f["name"]: f for f in frictionless_schema("events")["fields"]}
    assert fields["date"]["chrono:edtf"] is True
    assert "format" not in fields["date"]
    assert fields["earliest"]["chrono:derivedFrom"] == "date"
    assert fields["precision"]["chrono:order"] == "finest-first"
    assert fields["precision"]["constraints"]["enum"] == list(PRECISION_ORDER)
    assert PRECISION_ORDER[:2] == ("day", "month")
    assert fields["status"]["chrono:vocabulary"] == "status"
    assert fields["status"]["chrono:terms"]["planned"] == (
        "Announced, not yet reported as having taken place."
    )
    assert fields["id"]["constraints"] == {
        "required": True,
        "pattern": "[a-z0-9]+(-[a-z0-9]+)*",
        "unique": True,
    }


def test_table_schema_patterns_match_whole_values_as_xml_schema_does() -> None:
    fields = {f["name"]: f for f in frictionless_schema("events")["fields"]}
    edtf = fields["date"]["constraints"]["pattern"]
    good = ("2019", "2023-03-20/2023-03-22", "2014-09?", "201X", "-0044", "Y170000002", "2019/..")
    for value in good:
        assert re.fullmatch(edtf, value), value
    for bad in ("2019-13", "2019-02-30", "20199", "../..", " 2019", "2019-21-01", "-0000"):
        assert not re.fullmatch(edtf, bad), bad


def test_declared_terms_extend_the_table_enum_after_the_core_ones() -> None:
    extra = Vocabularies({"role": {"mediator": "Brokers talks between the parties."}})
    role = frictionless_schema("participants", extra)["fields"][2]
    assert role["constraints"]["enum"][-2:] == ["target", "mediator"]
    assert role["chrono:terms"]["mediator"] == "Brokers talks between the parties."


# --- JSON-LD ------------------------------------------------------------------------------

CONTEXT_URL = "https://example.org/chrono/chrono.context.jsonld"
BASE = "https://example.org/datasets/mini/"
_CLASS = {table: cls for table, (cls, _, _) in jsonld.CLASSES.items()}


def _offline_loader(url: str, options: dict[str, Any]) -> dict[str, Any]:
    if url != CONTEXT_URL:
        raise AssertionError(f"the test must not fetch {url}")
    document = json.loads((SCHEMAS / schemas.CONTEXT).read_text())
    return {"contextUrl": None, "documentUrl": url, "document": document}


def _rows(table: str) -> list[dict[str, Any]]:
    """A table's rows as JSON: nulls left out, dates as ISO days, each typed by its class."""
    out = []
    for row in Dataset.open(MINI).read_table(table).to_pylist():
        node: dict[str, Any] = {"@type": _CLASS[table]}
        for key, value in row.items():
            if value is None:
                continue
            if hasattr(value, "toordinal"):
                value = format_day(value.toordinal() - 719163)
            node[key] = value
        out.append(node)
    return out


def _nquads() -> set[str]:
    pyld = pytest.importorskip("pyld")
    graph = [row for table in TABLES for row in _rows(table)]
    doc = {"@context": [CONTEXT_URL, {"@base": BASE}], "@graph": graph}
    options = {"format": "application/n-quads", "documentLoader": _offline_loader}
    return set(pyld.jsonld.to_rdf(doc, options).splitlines())


def test_json_ld_expands_a_row_to_absolute_iris_and_typed_values() -> None:
    pyld = pytest.importorskip("pyld")
    row = {"@type": "Event", "id": "meeting-2019", "date": "2019", "place_id": "alpha-city"}
    doc = {"@context": [CONTEXT_URL, {"@base": BASE}], **row}
    (node,) = pyld.jsonld.expand(doc, {"documentLoader": _offline_loader})
    assert node == {
        "@id": f"{BASE}meeting-2019",
        "@type": ["https://schema.org/Event"],
        "http://purl.org/dc/terms/date": [
            {"@type": "http://id.loc.gov/datatypes/edtf/EDTF-level1", "@value": "2019"}
        ],
        "https://schema.org/location": [{"@id": f"{BASE}alpha-city"}],
    }


def test_json_ld_rows_become_schema_org_and_wikidata_statements() -> None:
    quads = _nquads()
    event, place = f"<{BASE}meeting-2020>", f"<{BASE}alpha-city>"
    edtf = "<http://id.loc.gov/datatypes/edtf/EDTF-level1>"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    expected = {
        f"{event} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Event> .",
        f'{event} <http://purl.org/dc/terms/date> "2020-06-02/2020-06-03"^^{edtf} .',
        f'{event} <urn:chrono:earliest> "2020-06-02"^^<{xsd}date> .',
        f"{event} <https://schema.org/location> {place} .",
        f"{event} <https://schema.org/superEvent> <{BASE}summit-2020> .",
        f'{event} <urn:chrono:uncertain> "false"^^<{xsd}boolean> .',
        f'{place} <https://schema.org/latitude> "1.05E1"^^<{xsd}double> .',
        f"<{BASE}leader-a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://schema.org/Person> .",
        f"<{BASE}state-a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://schema.org/Country> .",
        f"<{BASE}gazette-2020-05-01> <http://www.wikidata.org/prop/direct/P813> "
        f'"2026-11"^^{edtf} .',
    }
    assert expected <= quads
    claim = f"<{BASE}meeting-2019/date/gazette-2020-05-01/paragraph-2>"
    assert {
        f"{claim} <https://schema.org/citation> <{BASE}gazette-2020-05-01> .",
        f"{claim} <https://schema.org/about> <{BASE}meeting-2019> .",
        f'{claim} <http://www.wikidata.org/prop/direct/P1683> "in 2019" .',
        f'{claim} <http://www.wikidata.org/prop/direct/P958> "paragraph 2" .',
    } <= quads


def test_json_ld_participants_are_schema_org_roles_between_event_and_actor() -> None:
    quads = _nquads()
    roles = {q.split()[0] for q in quads if q.endswith("<https://schema.org/Role> .")}
    assert len(roles) == len(Dataset.open(MINI).read_table("participants"))
    (host,) = [
        r
        for r in roles
        if f'{r} <https://schema.org/roleName> "host" .' in quads
        and f"{r} <https://schema.org/attendee> <{BASE}leader-a> ." in quads
    ]
    assert f"<{BASE}meeting-2020> <https://schema.org/attendee> {host} ." in quads


def test_every_column_has_a_json_ld_term_and_no_term_is_stale() -> None:
    ctx = json.loads((SCHEMAS / schemas.CONTEXT).read_text())["@context"]
    for table in TABLES.values():
        scoped = ctx[_CLASS[table.name]]["@context"]
        assert set(table.column_names) - {"id"} <= set(scoped), table.name


def test_docs_list_the_wikidata_equivalents_as_generated() -> None:
    text = (ROOT / "docs" / "schemas.md").read_text()
    embedded = text.split("<!-- wikidata -->\n", 1)[1].split("<!-- /wikidata -->", 1)[0]
    assert embedded == jsonld.wikidata_markdown()
