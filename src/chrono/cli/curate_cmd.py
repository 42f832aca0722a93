"""``chrono init``, ``chrono vocab`` and ``chrono cite``: starting, describing and citing a
dataset of one's own. Only click is imported at module level."""

from __future__ import annotations

from pathlib import Path

import click

from chrono.cli.common import (
    DATASET_ARGUMENT,
    EXIT_FINDINGS,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    fail,
    note_if_stale,
)
from chrono.package import DEFAULT_DATASET


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Start a new dataset in DIRECTORY (new or empty): a commented dataset.yaml, one
    source, one actor, one place and one event, which build and validate at once."""
    from chrono.escape import terminal
    from chrono.safeio import OutputError
    from chrono.scaffold import NEXT_STEPS, ScaffoldError, write
    from chrono.schemas import KINDS, dataset_schemas, modeline

    lines = {kind: modeline(kind, directory) for kind in KINDS}
    try:
        written = write(directory, lines, dataset_schemas())
    except ScaffoldError as exc:
        fail(str(exc), EXIT_FINDINGS)
    except OutputError as exc:  # nothing of the scaffold is left behind
        fail(str(exc), EXIT_UNREADABLE)
    for path in written:
        click.echo(f"wrote {terminal(path)}")
    click.echo(NEXT_STEPS.format(dir=terminal(directory)))


@click.command()
@DATASET_ARGUMENT
@click.argument("vocabulary", required=False)
def vocab(dataset: str, vocabulary: str | None) -> None:
    """List every term a dataset may use, with its definition and where it comes from
    (core, or declared by the dataset). DATASET is a bundled name, a dataset folder (built
    or only curated) or a datapackage.json; VOCABULARY limits the list to one vocabulary.
    A lone vocabulary name (``chrono vocab role``) is that vocabulary of the default
    dataset, unless a dataset of that name is there."""
    from chrono.model import vocab as core
    from chrono.model.vocabularies import Vocabularies
    from chrono.package import list_datasets
    from chrono.wording import meant

    if (
        vocabulary is None
        and dataset in core.VOCABULARIES
        and not Path(dataset).exists()
        and dataset not in list_datasets()
    ):
        dataset, vocabulary = DEFAULT_DATASET, dataset
    if vocabulary is not None and vocabulary not in core.VOCABULARIES:
        fail(f"no vocabulary {vocabulary!r}{meant([vocabulary], core.VOCABULARIES)}", EXIT_USAGE)
    if vocabulary is None and not Path(dataset).exists() and dataset not in list_datasets():
        close = meant([dataset], core.VOCABULARIES)  # chrono vocab rol: a vocabulary mistyped
        if close.startswith(";"):
            fail(f"no dataset or vocabulary {dataset!r}{close}", EXIT_USAGE)
    vocabularies = _vocabularies(dataset)
    from chrono.escape import terminal

    assert isinstance(vocabularies, Vocabularies)
    names = [vocabulary] if vocabulary else list(vocabularies)
    for name in names:
        state = "open: a dataset may add terms" if name in core.EXTENSIBLE else "closed"
        click.echo(click.style(f"{name} ({state})", bold=True))
        terms = [(terminal(t), vocabularies.origin(name, t), terminal(d))
                 for t, d in vocabularies[name].items()]  # fmt: skip
        width = max(len(t) for t, _, _ in terms)
        for term, origin, definition in terms:
            click.echo(f"  {term:<{width}}  {origin:<7}  {definition}")


def _vocabularies(dataset: str) -> object:
    """A dataset's vocabularies: from its descriptor, or from dataset.yaml when not built."""
    from chrono.curation import has_curated_sources
    from chrono.dataset import Dataset
    from chrono.package import DatasetError

    path = Path(dataset)
    if path.is_dir() and has_curated_sources(path):  # the sources say what the terms are
        from chrono.records import Reader

        reader = Reader(path)
        reader.read_dataset()
        problems = [p for p in reader.problems if p.code == "CHR502"]
        if problems:
            first = problems[0]
            fail(f"{path / first.file}{str(first)[len(first.file) :]}", EXIT_FINDINGS)
        return reader.vocabularies
    try:
        return Dataset.open(dataset).vocabularies
    except DatasetError as exc:
        fail(str(exc), EXIT_UNREADABLE)


@click.command()
@DATASET_ARGUMENT
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "bibtex", "cff"]),
    default="text",
    show_default=True,
    help="Plain text, a BibTeX entry, or a CITATION.cff file.",
)
def cite(dataset: str, fmt: str) -> None:
    """How to cite a dataset (its version, creators, licence and DOI where it has them)."""
    from chrono._version import __version__
    from chrono.citation import cite as citation
    from chrono.dataset import Dataset
    from chrono.package import DatasetError

    try:
        with Dataset.open(dataset) as ds:
            note_if_stale(ds, dataset)
            descriptor = ds.descriptor
    except DatasetError as exc:
        fail(str(exc), EXIT_UNREADABLE)
    click.echo(citation(descriptor, fmt, __version__), nl=False)


COMMANDS = [init, vocab, cite]
