"""Curated YAML is parsed by libyaml where PyYAML has it, else by the pure-Python parser:
the same values, the same null-only resolution, errors at the same file and line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono import curation
from chrono.curation import Curated, CurationError, read_curated, read_yaml
from conftest import BUNDLED, MINI

LOADERS = ["libyaml", "python"]


@pytest.fixture(params=LOADERS)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs with each parser: libyaml hidden for "python"."""
    if request.param == "libyaml":
        if not yaml.__with_libyaml__:
            pytest.skip("PyYAML was built without libyaml")
    else:
        monkeypatch.setattr(yaml, "__with_libyaml__", False)
    return str(request.param)


def test_the_loader_in_use(loader: str) -> None:
    used = curation.yaml_loader()
    assert issubclass(used, yaml.CSafeLoader if loader == "libyaml" else yaml.SafeLoader)
    assert not (loader == "python" and issubclass(used, getattr(yaml, "CSafeLoader", ())))


def test_plain_scalars_stay_text_and_only_null_resolves(loader: str, tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        "a: 2019\nb: 2020-06-02\nc: no\nd: 1.5\ne: ~\nf: null\ng:\nh: '2019'\n"
        "i: [true, 0x1F, .inf]\nj: {k: 1e3}\n"
    )
    assert read_yaml(path, "x.yaml") == {
        "a": "2019",
        "b": "2020-06-02",
        "c": "no",
        "d": "1.5",
        "e": None,
        "f": None,
        "g": None,
        "h": "2019",
        "i": ["true", "0x1F", ".inf"],
        "j": {"k": "1e3"},
    }


def test_where_records_keys_and_values_stand(loader: str) -> None:
    data = read_yaml(MINI / "events" / "meeting-2019.yaml", "events/meeting-2019.yaml")
    assert (data.at, data.key_at["date"], data.value_at["date"]) == ((1, 1), (6, 1), (6, 7))
    first, second = data["claims"]
    assert (first.at, first.value_at["quote"], second.at) == ((11, 5), (15, 12), (16, 5))


BAD = "CHR110 malformed YAML: "


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        # the parsers (libyaml, python) word some errors differently, and may point at
        # another column; the line is the same
        (
            "id: x\ntitle: [unclosed\nstatus: confirmed\n",
            (
                f"3:7: {BAD}did not find expected ',' or ']'",
                f"3:7: {BAD}expected ',' or ']', but got ':'",
            ),
        ),
        (
            "id: x\n  title: y\n",
            (
                f"2:8: {BAD}mapping values are not allowed in this context",
                f"2:8: {BAD}mapping values are not allowed here",
            ),
        ),
        (
            'a: "\\q"\n',
            (
                f"1:5: {BAD}found unknown escape character",
                f"1:6: {BAD}found unknown escape character 'q'",
            ),
        ),
        ("a: 1\n---\nb: 2\n", (f"2:1: {BAD}but found another document",) * 2),
        ("id: x\ntitle: a\nid: y\n", ("3:1: CHR110 duplicate key 'id'",) * 2),
        ("id: x\n? [a]\n: b\n", ("2:3: CHR110 mapping key ['a'] is not text",) * 2),
    ],
)
def test_errors_keep_file_and_line(
    loader: str, tmp_path: Path, text: str, messages: tuple[str, str]
) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(text)
    with pytest.raises(CurationError) as info:
        read_yaml(path, "events/e.yaml")
    assert str(info.value) == f"events/e.yaml:{messages[LOADERS.index(loader)]}"


def test_both_parsers_read_the_bundled_dataset_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    fast = read_curated(BUNDLED)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    slow = read_curated(BUNDLED)
    assert fast.problems == slow.problems == []
    assert fast.rows == slow.rows
    assert fast.meta == slow.meta
    assert fast.locations == slow.locations
    assert positions(fast) == positions(slow)
    assert len(positions(fast)) > 1000  # every field of every record of the bundled dataset


def positions(curated: Curated) -> dict[tuple[str, tuple[str, ...], str], object]:
    """Where every column of every record read stands, as findings are pointed at it."""
    return {
        (table, key, column): curated.locate(table, key, column)
        for table, key in curated.records
        for column in curated.field_of[table]
    }


_NULL_ONLY = {
    k: [(tag, rx) for tag, rx in v if tag == "tag:yaml.org,2002:null"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Reference(yaml.SafeLoader):
    """PyYAML's own resolver, with only its null resolver kept (what the loader must match)."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = _NULL_ONLY


if yaml.__with_libyaml__:

    class _CReference(yaml.CSafeLoader):
        yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = _NULL_ONLY


def _tags(node: yaml.Node | None) -> object:
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        return (node.tag, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, [_tags(n) for n in node.value])
    return (node.tag, [(_tags(k), _tags(v)) for k, v in node.value])


def _loaders() -> list[tuple[type[Any], type[Any]]]:
    """(the loader, its reference): the same parser, so only the tags can differ."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(yaml, "__with_libyaml__", False)
        pairs: list[tuple[type[Any], type[Any]]] = [(curation.yaml_loader(), _Reference)]
    if yaml.__with_libyaml__:
        pairs.append((curation.yaml_loader(), _CReference))
    return pairs


@settings(max_examples=150, deadline=None)
@given(value=st.text(alphabet=st.sampled_from("~nulNULL0123456789-.:e+ yYoOtTfF'\"[]{},#"),
                     max_size=8))  # fmt: skip
def test_tags_are_those_of_pyyaml_with_only_its_null_resolver(value: str) -> None:
    text = f"a: {value}\nb: [{value}]\n{value or 'c'}: x\n"
    for loader, reference in _loaders():
        try:
            expected = _tags(yaml.compose(text, Loader=reference))
        except yaml.YAMLError:
            with pytest.raises(yaml.YAMLError):
                yaml.compose(text, Loader=loader)
            continue
        assert _tags(yaml.compose(text, Loader=loader)) == expected
