"""Commands over the bundled data: build, list, show, info."""

from __future__ import annotations

from typing import Any

import click

from chrono.cli.common import EXIT_FINDINGS, EXIT_UNREADABLE, MAX_FILE_SIZE, dataset_dirs, fail
from chrono.escape import terminal

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
    for p in shown:  # a problem's message may quote the data: escaped
        where = directory / p.file if p.file else directory
        click.echo(terminal(f"{where}{str(p)[len(p.file) :]}"), err=True)
    if len(problems) > len(shown):
        rest = len(problems) - len(shown)
        click.echo(f"... and {rest} more (--max-errors 0 lists all)", err=True)


@click.command()
@click.argument("datasets", nargs=-1, metavar="[DATASET_DIR]...")
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if the committed output is stale."
)
@MAX_ERRORS_OPTION
@MAX_FILE_SIZE
def build(datasets: tuple[str, ...], check: bool, max_errors: int) -> None:
    """Compile curated YAML sources into Parquet tables and datapackage.json.

    Every problem in the sources is listed, each at its file, line and column; nothing is
    written while one remains. With no DATASET_DIR, every bundled dataset that has curated
    sources. Tables are written under content-addressed names and the new datapackage.json
    replaces the old one in one atomic step: a failed or killed build leaves the previous
    build whole.
    """
    from chrono import build as builder
    from chrono.curation import CurationError, has_curated_sources
    from chrono.safeio import InputError, OutputError

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
        except InputError as exc:
            fail(f"{label}: {exc}", EXIT_UNREADABLE)
        rows = sum(result.rows.values())
        summary = f"{len(result.rows)} tables, {rows} rows"
        shown = terminal(label)
        if check:
            state = builder.check(directory, result)
            if state.stale:
                stale_any = True
                click.echo(f"{shown}: stale: {', '.join(state.stale)} (run: chrono build)")
            elif state.byte_only:
                click.echo(
                    f"{shown}: up to date ({summary}; content equal, bytes written by "
                    f"another pyarrow: {', '.join(state.byte_only)})"
                )
            else:
                click.echo(f"{shown}: up to date ({summary})")
            continue
        try:
            changed = builder.write(directory, result)
        except OutputError as exc:
            fail(f"{label}: {exc}; the previous build is intact", EXIT_UNREADABLE)
        what = f"wrote {', '.join(changed)}" if changed else "unchanged"
        if result.removed:
            what += f"; removed {', '.join(result.removed)}"
        click.echo(f"{shown}: {summary}; {what}")
    if stale_any:
        raise SystemExit(EXIT_FINDINGS)


@click.command(name="list")
@click.argument("datasets", nargs=-1, metavar="[DATASET]...")
@MAX_FILE_SIZE
def list_(datasets: tuple[str, ...]) -> None:
    """List datasets with their version, tables and row counts."""
    from chrono.dataset import Dataset
    from chrono.package import DatasetError

    t = terminal
    for _, directory in dataset_dirs(datasets):
        try:
            ds = Dataset.open(directory)
        except DatasetError as exc:
            fail(str(exc), EXIT_UNREADABLE)
        with ds:
            title = ds.title or ""
            click.echo(f"{t(ds.name)} {t(ds.version or '?')}  {t(title)}")
            width = max((len(t(name)) for name in ds.resources), default=0)
            for res in ds.resources.values():
                rows = res.number("rows")
                click.echo(f"  {t(res.name):<{width}}  {'?' if rows is None else rows:>6} rows")


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
@MAX_FILE_SIZE
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
    if getattr(ev, "ndim", 1) != 1:
        fail(f"event id {event_id!r} is not unique in {dataset} (run chrono validate)", 1)
    places = tables["places"].drop_duplicates("id").set_index("id")
    actors = tables["actors"].drop_duplicates("id").set_index("id")
    sources = tables["sources"].drop_duplicates("id").set_index("id")
    t = _text

    def lookup(frame: Any, key: Any, column: str) -> str | None:
        return _clean(frame.loc[key, column]) if key in frame.index else None

    click.echo(click.style(f"{t(event_id)}: {t(ev['title'])}", bold=True))
    click.echo(
        f"  date      {t(ev['date'])}  ({t(ev['earliest'])} to {t(ev['latest'])}, "
        f"{t(ev['precision'])}"
        + (", uncertain" if str(ev["uncertain"]) == "True" else "")
        + (", approximate" if str(ev["approximate"]) == "True" else "")
        + ")"
    )
    click.echo(f"  type      {t(ev['type'])}")
    click.echo(f"  status    {t(ev['status'])}")
    place = _clean(ev["place_id"])
    if place:
        click.echo(f"  place     {t(lookup(places, place, 'name'))} ({t(place)})")
    parent = _clean(ev["parent_id"])
    if parent:
        click.echo(f"  part of   {t(lookup(events, parent, 'title'))} ({t(parent)})")
    children = events[events["parent_id"] == event_id]
    for cid, child in children.iterrows():
        click.echo(f"  includes  {t(child['title'])} ({t(cid)})")
    click.echo(f"  summary   {t(ev['summary'])}")
    parts = tables["participants"]
    parts = parts[parts["event_id"] == event_id]
    if len(parts):
        click.echo("participants")
        for _, p in parts.iterrows():
            name = lookup(actors, p["actor_id"], "name")
            click.echo(f"  {t(name)} ({t(p['actor_id'])}): {t(p['role'])}")
    claims = tables["claims"]
    claims = claims[claims["event_id"] == event_id]
    click.echo(f"claims ({len(claims)})")
    for _, c in claims.sort_values(["property", "source_id", "id"]).iterrows():
        sid = c["source_id"]
        value = _clean(c["value"])
        flags = [t(c["stance"]), t(c["mode"])]
        if c["certainty"] == "uncertain":
            flags.append("uncertain")
        head = f"  {t(c['property'])}" + (f" = {t(value)}" if value else "")
        click.echo(f"{head}  [{', '.join(flags)}]")
        where = f", {t(c['locator'])}" if _clean(c["locator"]) else ""
        title = lookup(sources, sid, "title") or "(title unknown)"
        published = lookup(sources, sid, "published") or "date unknown"
        publisher = lookup(sources, sid, "publisher") or "?"
        click.echo(f"    source  {t(sid)}: {t(publisher)}, {t(published)}, {t(title)}{where}")
        url = lookup(sources, sid, "url")
        if url:
            click.echo(f"            {t(url)}")
        quote = _clean(c["quote"])
        if quote:
            click.echo(f'    quote   "{t(quote)}"')
        note = _clean(c["note"])
        if note:
            click.echo(f"    note    {t(note)}")


def _text(value: Any) -> str:
    """A value from the data, for the terminal (missing: empty)."""
    cleaned = _clean(value)
    return "" if cleaned is None else terminal(cleaned)


@click.command()
@DATASET_OPTION
@MAX_FILE_SIZE
def info(dataset: str) -> None:
    """Package and dataset versions, checksums, and how to cite."""
    from chrono._version import __version__
    from chrono.citation import licence, plain
    from chrono.dataset import Dataset
    from chrono.package import DatasetError

    try:
        ds = Dataset.open(dataset)
    except DatasetError as exc:
        fail(str(exc), EXIT_UNREADABLE)
    t = terminal
    with ds:
        desc = ds.descriptor
        click.echo(f"chrono-data {__version__}")
        click.echo(f"dataset     {t(ds.name)} {t(ds.version)}")
        click.echo(f"title       {t(ds.title)}")
        click.echo(f"license     {t(licence(desc) or 'none stated')}")
        click.echo(f"location    {t(ds.root)}")
        if ds.curated_sha256:
            click.echo(f"curated     sha256:{t(ds.curated_sha256)}")
        click.echo("checksums")
        for res in ds.resources.values():
            spec = res.spec
            size, rows = res.number("bytes"), res.number("rows")
            click.echo(
                f"  {t(spec.get('hash', '?'))}  {t(res.path)}  "
                f"({'?' if size is None else size} bytes, {'?' if rows is None else rows} rows)"
            )
        click.echo("cite as (chrono cite --format bibtex|cff for the others)")
        click.echo(f"  {t(plain(desc, __version__))}")


COMMANDS = [build, list_, show, info]
