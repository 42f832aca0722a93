"""``chrono coverage``: a curator's view of a dataset's weak spots (:mod:`chrono.coverage`)."""

from __future__ import annotations

import click

from chrono.cli.common import EXIT_UNREADABLE, fail, note_if_stale


@click.command()
@click.argument("dataset", default="russia-china-summits", metavar="[DATASET]")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=100,
    show_default=True,
    help="Rows listed per list of events or claims (0: every one); counts stay whole.",
)
def coverage(dataset: str, fmt: str, limit: int) -> None:
    """Events by year and type, sources per event, and what to look at again.

    DATASET is a bundled dataset's name, a dataset directory or its datapackage.json.
    Lists events resting on a single source, date claims with neither quote nor note,
    contradicting claims and planned events.
    """
    from chrono.coverage import coverage as measure
    from chrono.coverage import render_markdown, render_text
    from chrono.dataset import Dataset
    from chrono.package import DatasetError

    try:
        with Dataset.open(dataset) as ds:
            note_if_stale(ds, dataset)
            report = measure(ds)
    except DatasetError as exc:
        fail(str(exc), EXIT_UNREADABLE)
    render = render_markdown if fmt == "markdown" else render_text
    click.echo(render(report, limit), nl=False)


COMMANDS = [coverage]
