"""How to cite a dataset: plain text, BibTeX and CFF, from its ``datapackage.json`` alone.

The creators, licence, release date, DOI, homepage and repository come from the dataset's
``dataset.yaml`` through the build; a dataset that names no creators is cited by its title
and says so, rather than naming someone who did not make it.

>>> from chrono.dataset import Dataset
>>> print(plain(Dataset.open("russia-china-summits").descriptor, "0.1.0"))  # doctest: +ELLIPSIS
chrono developers (...). Russia–China summit diplomacy (version ...) [Data set]...
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chrono.escape import bibtex as bib
from chrono.escape import bibtex_url, json_text, terminal

FORMATS = ("text", "bibtex", "cff")


def creators(descriptor: Mapping[str, Any]) -> list[dict[str, str]]:
    """The dataset's creators, in citation order (name, and given/family/orcid/affiliation
    where known)."""
    meta = descriptor.get("chrono")
    listed = meta.get("creators") if isinstance(meta, Mapping) else None
    if isinstance(listed, list):
        return [
            {k: str(v) for k, v in c.items() if isinstance(v, str)}
            for c in listed
            if isinstance(c, Mapping) and isinstance(c.get("name"), str)
        ]
    out = []
    for c in descriptor.get("contributors") or []:
        if isinstance(c, Mapping) and isinstance(c.get("title"), str):
            person = {"name": c["title"]}
            path = c.get("path")
            if isinstance(path, str) and path.startswith("https://orcid.org/"):
                person["orcid"] = path.removeprefix("https://orcid.org/")
            if isinstance(c.get("organization"), str):
                person["affiliation"] = c["organization"]
            out.append(person)
    return out


def _meta(descriptor: Mapping[str, Any], key: str) -> str | None:
    meta = descriptor.get("chrono")
    value = meta.get(key) if isinstance(meta, Mapping) else None
    return value if isinstance(value, str) and value else None


def _text(descriptor: Mapping[str, Any], key: str) -> str | None:
    value = descriptor.get(key)
    return value if isinstance(value, str) and value else None


def licence(descriptor: Mapping[str, Any]) -> str | None:
    """The dataset's licence names, joined (``licenses`` may be malformed: never raises)."""
    licenses = descriptor.get("licenses")
    if not isinstance(licenses, list):
        return None
    names = [
        str(x.get("name") or x.get("path"))
        for x in licenses
        if isinstance(x, Mapping) and (x.get("name") or x.get("path"))
    ]
    return ", ".join(names) or None


def year(descriptor: Mapping[str, Any]) -> str | None:
    released = _meta(descriptor, "released")
    return released[:4] if released and re.match(r"^[0-9]{4}", released) else None


def link(descriptor: Mapping[str, Any]) -> str | None:
    """The DOI's address, else the repository, else the homepage."""
    doi = _meta(descriptor, "doi")
    if doi:
        return f"https://doi.org/{doi}"
    return _meta(descriptor, "repository") or _text(descriptor, "homepage")


def _authors(descriptor: Mapping[str, Any]) -> str:
    names = [c["name"] for c in creators(descriptor)]
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " & " + names[-1]


def plain(descriptor: Mapping[str, Any], package_version: str) -> str:
    """One line, in the author-date style data citations use."""
    title = _text(descriptor, "title") or _text(descriptor, "name") or "Untitled dataset"
    version = _text(descriptor, "version") or "unversioned"
    authors = _authors(descriptor)
    head = f"{authors} ({year(descriptor) or 'n.d.'}). " if authors else ""
    when = "" if authors else f" ({year(descriptor) or 'n.d.'})"
    out = f"{head}{title}{when} (version {version}) [Data set]. Built with chrono-data "
    out += f"{package_version}."
    if (url := link(descriptor)) is not None:  # last, as data citations end
        out += f" {url}"
    return out


def bibtex(descriptor: Mapping[str, Any], package_version: str) -> str:
    """A ``@misc`` entry (what BibTeX styles know; biblatex reads it too)."""
    name = _text(descriptor, "name") or "dataset"
    version = _text(descriptor, "version") or "unversioned"
    key = re.sub(r"[^A-Za-z0-9]+", "-", f"{name}-{version}").strip("-")
    people = []
    for c in creators(descriptor):
        if c.get("family"):
            people.append(bib(f"{c['family']}, {c.get('given', '')}".rstrip(", ")))
        else:
            people.append("{" + bib(c["name"]) + "}")  # one name, not split by BibTeX
    fields = []
    if people:
        fields.append(("author", " and ".join(people)))
    fields.append(("title", "{" + bib(_text(descriptor, "title") or name) + "}"))
    if (y := year(descriptor)) is not None:
        fields.append(("year", y))
    fields.append(("version", bib(version)))
    if (doi := _meta(descriptor, "doi")) is not None:
        fields.append(("doi", bib(doi)))
    if (url := link(descriptor)) is not None:
        fields.append(("url", bibtex_url(url)))
    fields.append(("note", f"Data set. Built with chrono-data {bib(package_version)}"))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@misc{{{key},\n{body}\n}}"


def _yaml_text(text: str) -> str:
    """A YAML double-quoted scalar: a JSON string (escapes everything needed), terminal
    controls too (:func:`chrono.escape.json_text`; YAML reads ``\\uXXXX`` alike)."""
    import json

    return json_text(json.dumps(text, ensure_ascii=False))


def cff(descriptor: Mapping[str, Any], package_version: str) -> str:
    """A CITATION.cff (CFF 1.2.0) for the dataset: only the keys CFF's schema allows
    (it has none for the tool that built the data, so ``package_version`` is not said)."""
    q = _yaml_text
    lines = [
        "cff-version: 1.2.0",
        f"message: {q('If you use this dataset, please cite it as below.')}",
        "type: dataset",
        f"title: {q(_text(descriptor, 'title') or _text(descriptor, 'name') or 'Untitled')}",
    ]
    if (version := _text(descriptor, "version")) is not None:
        lines.append(f"version: {q(version)}")
    people = creators(descriptor)
    lines.append("authors:" if people else "authors:\n  - name: " + q("Unknown"))
    for c in people:
        if c.get("family"):
            lines.append(f"  - family-names: {q(c['family'])}")
            if c.get("given"):
                lines.append(f"    given-names: {q(c['given'])}")
        else:
            lines.append(f"  - name: {q(c['name'])}")
        if c.get("orcid"):
            lines.append(f"    orcid: {q('https://orcid.org/' + c['orcid'])}")
        if c.get("affiliation"):
            lines.append(f"    affiliation: {q(c['affiliation'])}")
    if (lic := licence(descriptor)) is not None and "," not in lic:
        lines.append(f"license: {q(lic)}")
    if (doi := _meta(descriptor, "doi")) is not None:
        lines.append(f"doi: {q(doi)}")
    if (repo := _meta(descriptor, "repository")) is not None:
        lines.append(f"repository: {q(repo)}")
    if (home := _text(descriptor, "homepage")) is not None:
        lines.append(f"url: {q(home)}")
    released = _meta(descriptor, "released")
    if released and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", released):
        lines.append(f"date-released: {q(released)}")
    return "\n".join(lines) + "\n"


def cite(descriptor: Mapping[str, Any], fmt: str, package_version: str) -> str:
    """The citation in one of :data:`FORMATS`, ready to print: every text from the data
    escaped for its format (:mod:`chrono.escape`), so none can drive a terminal or end a
    field; plain text on one line."""
    if fmt == "bibtex":
        return bibtex(descriptor, package_version) + "\n"
    if fmt == "cff":
        return cff(descriptor, package_version)
    return terminal(plain(descriptor, package_version)) + "\n"
