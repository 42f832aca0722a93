"""Commands over the bundled data: build, list, show, info."""

from __future__ import annotations

from typing import Any

import click

from chrono.cli.common import EXIT_FINDINGS, EXIT_UNREADABLE, dataset_dirs, fail

DATASET_OPTION = click.option(
    "-d",
    "--dataset",
    default="russia-china-summits",
    show_default=True,
    help="A bundled dataset's name, a dataset directory, or its datapackage.json.",
)


MAX_ERRORS_OPTION = click.option(
    "--max-errors",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Problems listed (0: all); the count is always exact.",
)


def print_problems(directory: Any, problems: list[Any], limit: int) -> None:
    """Each problem as ``path:line:column: CODE message`` on stderr, at most ``limit``."""
    shown = problems if limit == 0 else problems[:limit]
    for p in shown:
        click.echo(
            f"{directory / p.file if p.file else directory}{str(p)[len(p.file) :]}", err=True
        )
    if len(problems) > len(shown):
        rest = len(problems) - len(shown)
        click.echo(f"... and {rest} more (--max-errors 0 lists all)", err=True)


@click.command()
@click.argument("datasets", nargs=-1, metavar="[DATASET_DIR]...")
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if the committed output is stale."
)
@MAX_ERRORS_OPTION
def build(datasets: tuple[str, ...], check: bool, max_errors: int) -> None:
    """Compile curated YAML sources into Parquet tables and datapackage.json.

    Every problem in the sources is listed, each at its file, line and column; nothing is
    written while one remains. With no DATASET_DIR, every bundled dataset that has curated
    sources.
    """
    from chrono.cli.common import without_pandas

    without_pandas()  # before anything converts a Python value with pyarrow
    from chrono import build as builder
    from chrono.curation import CurationError, has_curated_sources

    targets = [(label, d) for label, d in dataset_dirs(datasets)]
    targets = [(label, d) for label, d in targets if has_curated_sources(d) or datasets]
    stale_any = False
    for label, directory in targets:
        if not (directory / "dataset.yaml").is_file():
            fail(f"{directory}: no dataset.yaml (not a curated dataset)", EXIT_UNREADABLE)
        try:
            result = builder.build(directory)
        except CurationError as exc:
            print_problems(directory, exc.problems, max_errors)
            n = len(exc.problems)
            fail(f"{label}: {n} problem{'' if n == 1 else 's'}; nothing written", EXIT_FINDINGS)
        rows = sum(result.rows.values())
        summary = f"{len(result.rows)} tables, {rows} rows"
        if check:
            state = builder.check(directory, result)
            if state.stale:
                stale_any = True
                click.echo(f"{label}: stale: {', '.join(state.stale)} (run: chrono build)")
            elif state.byte_only:
                click.echo(
                    f"{label}: up to date ({summary}; content equal, bytes written by "
                    f"another pyarrow: {', '.join(state.byte_only)})"
                )
            else:
                click.echo(f"{label}: up to date ({summary})")
            continue
        changed = builder.write(directory, result)
        what = f"wrote {', '.join(changed)}" if changed else "unchanged"
        click.echo(f"{label}: {summary}; {what}")
    if stale_any:
        raise SystemExit(EXIT_FINDINGS)


@click.command(name="list")
@click.argument("datasets", nargs=-1, metavar="[DATASET]...")
def list_(datasets: tuple[str, ...]) -> None:
    """List datasets with their version, tables and row counts."""
    from chrono.package import DatasetError, read_descriptor

    for label, directory in dataset_dirs(datasets):
        try:
            desc = read_descriptor(directory)
        except DatasetError as exc:
            fail(str(exc), EXIT_UNREADABLE)
        click.echo(f"{desc.get('name', label)} {desc.get('version', '?')}  {desc.get('title', '')}")
        width = max((len(r["name"]) for r in desc["resources"]), default=0)
        for res in desc["resources"]:
            click.echo(f"  {res['name']:<{width}}  {res.get('rows', '?'):>6} rows")


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    try:
        import pandas as pd

        if value is pd.NA or (isinstance(value, float) and value != value):
            return None
    except ImportError:  # pragma: no cover
        pass
    return str(value)


@click.command()
@click.argument("event_id")
@DATASET_OPTION
def show(event_id: str, dataset: str) -> None:
    """Show an event with every claim and its source: the provenance trail."""
    from chrono.loaders import load_dataset
    from chrono.package import DatasetError

    try:
        tables = load_dataset(dataset)
    except DatasetError as exc:
        fail(str(exc), EXIT_UNREADABLE)
    events = tables["events"].set_index("id")
    if event_id not in events.index:
        fail(f"no event {event_id!r} in {dataset} (chrono list shows the datasets)", EXIT_FINDINGS)
    ev = events.loc[event_id]
    places = tables["places"].set_index("id")
    actors = tables["actors"].set_index("id")
    sources = tables["sources"].set_index("id")
    click.echo(click.style(f"{event_id}: {ev['title']}", bold=True))
    click.echo(
        f"  date      {ev['date']}  ({ev['earliest']} to {ev['latest']}, {ev['precision']}"
        + (", uncertain" if ev["uncertain"] else "")
        + (", approximate" if ev["approximate"] else "")
        + ")"
    )
    click.echo(f"  type      {ev['type']}")
    click.echo(f"  status    {ev['status']}")
    place = _clean(ev["place_id"])
    if place:
        click.echo(f"  place     {_clean(places.loc[place, 'name'])} ({place})")
    parent = _clean(ev["parent_id"])
    if parent:
        click.echo(f"  part of   {_clean(events.loc[parent, 'title'])} ({parent})")
    children = events[events["parent_id"] == event_id]
    for cid, child in children.iterrows():
        click.echo(f"  includes  {child['title']} ({cid})")
    click.echo(f"  summary   {ev['summary']}")
    parts = tables["participants"]
    parts = parts[parts["event_id"] == event_id]
    if len(parts):
        click.echo("participants")
        for _, p in parts.iterrows():
            click.echo(f"  {actors.loc[p['actor_id'], 'name']} ({p['actor_id']}): {p['role']}")
    claims = tables["claims"]
    claims = claims[claims["event_id"] == event_id]
    click.echo(f"claims ({len(claims)})")
    for _, c in claims.sort_values(["property", "source_id", "id"]).iterrows():
        src = sources.loc[c["source_id"]]
        value = _clean(c["value"])
        flags = [str(c["stance"]), str(c["mode"])]
        if c["certainty"] == "uncertain":
            flags.append("uncertain")
        head = f"  {c['property']}" + (f" = {value}" if value else "")
        click.echo(f"{head}  [{', '.join(flags)}]")
        where = f", {c['locator']}" if _clean(c["locator"]) else ""
        title = _clean(src["title"]) or "(title unknown)"
        published = _clean(src["published"]) or "date unknown"
        click.echo(
            f"    source  {c['source_id']}: {_clean(src['publisher']) or '?'}, "
            f"{published}, {title}{where}"
        )
        url = _clean(src["url"])
        if url:
            click.echo(f"            {url}")
        quote = _clean(c["quote"])
        if quote:
            click.echo(f'    quote   "{quote}"')
        note = _clean(c["note"])
        if note:
            click.echo(f"    note    {note}")


@click.command()
@DATASET_OPTION
def info(dataset: str) -> None:
    """Package and dataset versions, checksums, and how to cite."""
    from chrono._version import __version__
    from chrono.citation import licence, plain
    from chrono.package import DatasetError, read_descriptor, resolve

    try:
        directory = resolve(dataset)
        desc = read_descriptor(directory)
    except DatasetError as exc:
        fail(str(exc), EXIT_UNREADABLE)
    licenses = licence(desc) or "none stated"
    click.echo(f"chrono-data {__version__}")
    click.echo(f"dataset     {desc.get('name')} {desc.get('version')}")
    click.echo(f"title       {desc.get('title')}")
    click.echo(f"license     {licenses}")
    click.echo(f"location    {directory}")
    meta = desc.get("chrono", {})
    if meta.get("curated_sha256"):
        click.echo(f"curated     sha256:{meta['curated_sha256']}")
    click.echo("checksums")
    for res in desc["resources"]:
        click.echo(
            f"  {res.get('hash', '?')}  {res['path']}  ({res.get('bytes', '?')} bytes, "
            f"{res.get('rows', '?')} rows)"
        )
    click.echo("cite as (chrono cite --format bibtex|cff for the others)")
    click.echo(f"  {plain(desc, __version__)}")


COMMANDS = [build, list_, show, info]
