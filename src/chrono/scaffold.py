"""``chrono init DIR``: a new dataset that builds and validates at once, to edit from there.

The files are commented: each says what belongs in it and points to docs/curation.md.
The example source is on example.org: a placeholder to replace, never a real citation.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from pathlib import Path

#: What ``init`` prints when it is done.
NEXT_STEPS = """\
Next:
  1. Edit {dir}/dataset.yaml: title, description, creators, licence.
  2. Replace the example source in {dir}/sources.yaml with the sources you cite.
  3. Add actors, places and one events/<id>.yaml file per event (docs/curation.md).
  4. chrono build {dir}      (compile to Parquet; lists every problem at its line)
  5. chrono validate {dir}   (what your CI runs)"""


def slug(name: str) -> str:
    """A dataset name from a folder name: lower-case letters, digits and '-' (accents
    dropped from the letters that carry them; a name with no such letter: my-chronology).

    >>> slug("Ünïcode Ñame 2"), slug("Westphalia_1648"), slug("日本")
    ('unicode-name-2', 'westphalia-1648', 'my-chronology')
    """
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return out or "my-chronology"


def files(name: str, modelines: dict[str, str] | None = None) -> dict[str, str]:
    """The scaffold's files (path relative to the dataset -> text).

    ``modelines`` maps a file kind (``dataset``, ``sources``, ``actors``, ``places``,
    ``event``) to a first line for editors (a YAML language server ``$schema`` comment).
    """
    lines = modelines or {}

    def head(kind: str) -> str:
        return lines[kind] + "\n" if kind in lines else ""

    return {
        "dataset.yaml": head("dataset") + DATASET.format(name=name),
        "sources.yaml": head("sources") + SOURCES,
        "actors.yaml": head("actors") + ACTORS,
        "places.yaml": head("places") + PLACES,
        "events/first-event.yaml": head("event") + EVENT,
    }


class ScaffoldError(Exception):
    """The folder cannot take a new dataset; the message says why."""


def write(
    directory: Path,
    modelines: dict[str, str] | None = None,
    extra: dict[str, bytes] | None = None,
) -> list[Path]:
    """Write a new dataset into ``directory`` (new or empty); never overwrites a file.

    ``extra``: more files (path relative to the dataset -> bytes), such as the schemas the
    modelines point at. Each file goes through :mod:`chrono.safeio` (an exclusive, no-follow
    temporary file, ``fsync``, then a hard link, which fails rather than replace a file).
    When one cannot be written, what this call made is removed again and
    :class:`~chrono.safeio.OutputError` says why: a scaffold is written whole or not at all.
    """
    from chrono import safeio

    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ScaffoldError(f"{directory}: exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise ScaffoldError(
            f"{directory}: not empty; chrono init writes a new dataset into a new or empty folder"
        )
    name = slug(directory.resolve().name)
    created = [p for p in (directory, *directory.parents) if not p.exists()]
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise safeio.OutputError(f"{directory}: cannot create ({safeio.reason(exc)})") from None
    texts = {rel: text.encode("utf-8") for rel, text in files(name, modelines).items()}
    written: list[Path] = []
    placed: list[tuple[safeio.OutputDir, str]] = []
    with safeio.OutputDir.open(directory) as top:
        folders: dict[str, safeio.OutputDir] = {"": top}
        try:
            for rel, blob in {**texts, **(extra or {})}.items():
                folder, _, file = rel.rpartition("/")
                if folder not in folders:
                    folders[folder] = top.subdir(folder)
                into = folders[folder]
                into.place(into.write_temp(file, blob), file, replace=False)
                placed.append((into, file))
                written.append(directory / rel)
        except BaseException:
            for into, file in placed:
                into.discard(file)
            for folder in folders:
                if folder:
                    with contextlib.suppress(OSError):
                        os.rmdir(folder, dir_fd=top.fd)
            for path in created:
                with contextlib.suppress(OSError):
                    path.rmdir()
            raise
        finally:
            for folder, into in folders.items():
                if folder:
                    into.close()
    return written


DATASET = """\
# The dataset: what it is, who made it, how to cite it (docs/curation.md).
name: {name}
title: A new chronology
version: 0.1.0
license: CC-BY-4.0          # the data's licence (SPDX identifier)
description: >-
  What the chronology covers: period, region, kinds of events.
keywords: [chronology]
creators:                   # in citation order; orcid and affiliation are optional
  - name: Your Name
    # given: Your
    # family: Name
    # orcid: 0000-0000-0000-0000
    # affiliation: Your institution
# released: 2026-01-31      # when this version was released (EDTF)
# doi: 10.5281/zenodo.0000000
# repository: https://example.org/your/repository
#
# Terms your field needs that the core vocabularies lack (chrono vocab lists them all),
# each with its definition:
# vocabularies:
#   event_type:
#     treaty: A treaty signed or ratified by the parties.
#   source_kind:
#     monograph: A scholarly book on one subject.
"""

SOURCES = """\
# The sources your claims cite. Unknown fields stay null: never guess a title or a date.
- id: example-source
  kind: document_text       # chrono vocab source_kind lists the kinds
  title: An example source (replace it)
  publisher: Example Publisher
  published: 2020-01-15     # EDTF: 2020, 2020-01, 2020-01-15, 1648~, -0043 (44 BCE)
  url: https://example.org/replace-this-source
  retrieved: null
  language: en
  notes: A placeholder on example.org; replace it with a source you have read.
  text: null                # file name of a local copy, for chrono validate --sources
"""

ACTORS = """\
# People, states and organisations that take part in events.
- id: first-actor
  name: First Actor
  kind: person              # person | state | organisation, or a term you declare
  country: null             # ISO 3166-1 alpha-2, e.g. FR
  notes: null
"""

PLACES = """\
# Where events happen. Coordinates only where a source gives them.
- id: first-place
  name: First Place
  country: null
  latitude: null
  longitude: null
"""

EVENT = """\
# One event per file; the id equals the file name. Every fact is a claim of a source.
id: first-event
title: The first event (replace it)
summary: One or two sentences in your own words.
type: announcement          # chrono vocab event_type lists the types
status: confirmed
date: 2020-01-15            # the interval every supporting date claim contains
place: first-place
parent: null
participants:
  - {actor: first-actor, role: announcer}
claims:
  - source: example-source
    property: occurrence    # the source states that the event took place
    locator: page 1         # page 12, paragraph 3, lines 5-9, folio 12r, time 0:01:05
  - source: example-source
    property: date
    value: 2020-01-15       # as precise as the source is, no more
    locator: page 1
    note: Reported on the day it happened.  # how the source dates it, in your words
"""
