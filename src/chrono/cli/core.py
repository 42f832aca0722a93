"""Commands over the bundled data: build, list, show, info."""

from __future__ import annotations

from typing import Any

import click

from chrono.cli.common import (
    EXIT_FINDINGS,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    MAX_FILE_SIZE,
    dataset_dirs,
    fail,
    note_if_stale,
)
from chrono.escape import one_line, terminal
from chrono.package import DEFAULT_DATASET


def dataset_argument(f: Any) -> Any:
    """An optional DATASET argument, as ``coverage`` and ``cite`` take it, and ``-d`` for
    the same (what scripts written for earlier versions pass)."""
    f = click.option(
        "-d",
        "--dataset",
        "dataset_option",
        metavar="DATASET",
        default=None,
        help="The same as the DATASET argument.",
    )(f)
    return click.argument("dataset", required=False)(f)


def chosen_dataset(argument: str | None, option: str | None) -> str:
    """The dataset named by the argument or by ``-d`` (the bundled one by default); both,
    naming different datasets, is a usage error."""
    if argument is not None and option is not None and argument != option:
        fail(f"two datasets named: {argument!r} and -d {option!r}; name one", EXIT_USAGE)
    if argument is not None:
        return argument
    return DEFAULT_DATASET if option is None else option


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
    from chrono.cli.common import without_pandas

    without_pandas()  # before anything converts a Python value with pyarrow
    from chrono import build as builder
    from chrono.curation import CurationError, has_curated_sources
    from chrono.safeio import InputError, OutputError

    # a folder of datasets: those with curated sources (the others have nothing to build)
    targets = dataset_dirs(datasets, inside=has_curated_sources)
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
    unreadable = False
    for _, directory in dataset_dirs(datasets):
        try:
            ds = Dataset.open(directory)
        except DatasetError as exc:  # said, and the others listed
            click.echo(f"Error: {one_line(str(exc))}", err=True)
            unreadable = True
            continue
        with ds:
            title = ds.title or ""
            click.echo(f"{t(ds.name)} {t(ds.version or '?')}  {t(title)}")
            width = max((len(t(name)) for name in ds.resources), default=0)
            for res in ds.resources.values():
                rows = res.number("rows")
                click.echo(f"  {t(res.name):<{width}}  {'?' if rows is None else rows:>6} rows")
    if unreadable:
        raise SystemExit(EXIT_UNREADABLE)


def _plain(table: Any) -> Any:
    """An Arrow table with dictionary columns as text and dates as day numbers.

    (Python's ``datetime.date`` holds years 1 to 9999 only; the data holds any year.)
    """
    import pyarrow as pa

    fields = []
    for f in table.schema:
        typ = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
        fields.append(pa.field(f.name, pa.int32() if pa.types.is_date32(typ) else typ))
    return table.cast(pa.schema(fields))


def _when(date: str, earliest: int | None, latest: int | None, precision: str | None) -> str:
    """An EDTF date for people, with its bounds when they say more than the date itself."""
    from chrono.model.dates import MAX_YEAR, MIN_YEAR, days_from_civil, human, human_day

    def day(days: int) -> str:
        if days <= days_from_civil(MIN_YEAR, 1, 1) or days >= days_from_civil(MAX_YEAR, 12, 31):
            return ".."  # an open end (stored as the extreme of the supported range)
        return human_day(days)

    text = human(date)
    if earliest is None or latest is None or precision is None:
        return text
    if precision == "day" and earliest == latest:
        return f"{text}  ({date})"
    span = day(earliest) if earliest == latest else f"{day(earliest)} to {day(latest)}"
    if precision == "day":
        return f"{text}  ({date}, day precision)"
    return f"{text}  ({date}: {span}, {precision} precision)"


@click.command()
@click.argument("event_id")
@dataset_argument
@MAX_FILE_SIZE
def show(event_id: str, dataset: str | None, dataset_option: str | None) -> None:
    """Show an event with every claim and its source: the provenance trail.

    DATASET is a bundled dataset's name, a dataset directory or its datapackage.json
    (default: russia-china-summits).

    Dates are shown as people read them (``15 March 44 BCE``), with their EDTF form.
    """
    dataset = chosen_dataset(dataset, dataset_option)
    import pyarrow as pa
    import pyarrow.compute as pc

    from chrono.dataset import Dataset
    from chrono.model.dates import human
    from chrono.package import DatasetError
    from chrono.trail import claims_of

    def rows(table: pa.Table, column: str, value: str) -> list[dict[str, Any]]:
        plain = table.column(column)
        return list(table.filter(pc.equal(plain, value)).to_pylist())

    try:
        ds = Dataset.open(dataset)
        note_if_stale(ds, dataset)
        events = _plain(ds.read_table("events"))
        found = rows(events, "id", event_id)
        if not found:
            hint = _suggested(event_id, events.column("id"))
            fail(f"no event {event_id!r} in {dataset}{hint}", EXIT_FINDINGS)
        ev = found[0]
        claims = claims_of(event_id, ds)
        claims = _plain(claims).to_pylist()
        by_id = {
            name: {r["id"]: r for r in _plain(ds.read_table(name)).to_pylist()}
            for name in ("places", "actors", "sources")
        }
        parts = rows(_plain(ds.read_table("participants")), "event_id", event_id)
    except DatasetError as exc:
        fail(str(exc), EXIT_UNREADABLE)
    titles = {r["id"]: r["title"] for r in events.select(["id", "title"]).to_pylist()}
    click.echo(click.style(terminal(f"{event_id}: {ev['title']}"), bold=True))
    flags = [f for f in ("uncertain", "approximate") if ev[f]]
    when = _when(ev["date"], ev["earliest"], ev["latest"], ev["precision"])
    _echo(f"  date      {when}" + (f" [{', '.join(flags)}]" if flags else ""))
    _echo(f"  type      {ev['type']}")
    _echo(f"  status    {ev['status']}")
    if ev["place_id"]:
        place = by_id["places"].get(ev["place_id"], {}).get("name", "?")
        _echo(f"  place     {place} ({ev['place_id']})")
    if ev["parent_id"]:
        _echo(f"  part of   {titles.get(ev['parent_id'], '?')} ({ev['parent_id']})")
    for child in rows(events, "parent_id", event_id):
        _echo(f"  includes  {child['title']} ({child['id']})")
    _echo(f"  summary   {ev['summary']}")
    if parts:
        _echo("participants")
        for p in parts:
            name = by_id["actors"].get(p["actor_id"], {}).get("name", "?")
            _echo(f"  {name} ({p['actor_id']}): {p['role']}")
    _echo(f"claims ({len(claims)})")
    for c in claims:
        src = by_id["sources"].get(c["source_id"], {})
        value = c["value"]
        if value is not None and c["property"] == "date":
            calendar = c.get("calendar") or "gregorian"
            shown = human(value, calendar)
            value = f"{shown} ({value})" if shown != value else value
        flags = [str(c["stance"]), str(c["mode"])]
        if c["certainty"] == "uncertain":
            flags.append("uncertain")
        head = f"  {c['property']}" + (f" = {value}" if value else "")
        _echo(f"{head}  [{', '.join(flags)}]")
        where = f", {c['locator']}" if c["locator"] else ""
        title = src.get("title") or "(title unknown)"
        published = human(src["published"]) if src.get("published") else "date unknown"
        _echo(
            f"    source  {c['source_id']}: {src.get('publisher') or '?'}, "
            f"{published}, {title}{where}"
        )
        if src.get("url"):
            _echo(f"            {src['url']}")
        if c["quote"]:
            _echo(f'    quote   "{c["quote"]}"')
        if c["note"]:
            _echo(f"    note    {c['note']}")


def _suggested(wanted: str, ids: Any) -> str:
    """The ids (an Arrow column) a mistyped or partial one may have meant, as the end of
    a message: those holding it, else the closest (:func:`chrono.wording.suggestions`)."""
    import pyarrow.compute as pc

    from chrono.wording import CLOSE_MATCH_LIMIT, suggestions

    ids = ids.drop_null()
    holding = ids.filter(pc.match_substring(ids, wanted, ignore_case=True)) if wanted else ids[:0]
    if len(holding) > 3:
        shown = ", ".join(repr(i) for i in holding[:3].to_pylist())
        return f"; {len(holding)} ids hold {wanted!r}: {shown}, ..."
    if len(ids) <= CLOSE_MATCH_LIMIT:
        close = suggestions(wanted, ids.to_pylist())
    else:
        close = holding.to_pylist()
    if not close:
        return f" ({len(ids)} events)"
    return f"; did you mean {', '.join(repr(i) for i in close)}?"


def _echo(text: str) -> None:
    """A line from the data, for the terminal (control characters shown, not obeyed)."""
    click.echo(terminal(text))


@click.command()
@dataset_argument
@MAX_FILE_SIZE
def info(dataset: str | None, dataset_option: str | None) -> None:
    """Package and dataset versions, checksums, and how to cite.

    DATASET is a bundled dataset's name, a dataset directory or its datapackage.json
    (default: russia-china-summits).
    """
    dataset = chosen_dataset(dataset, dataset_option)
    from chrono._version import __version__
    from chrono.citation import licence, plain
    from chrono.dataset import Dataset
    from chrono.package import DESCRIPTOR, DatasetError

    try:
        ds = Dataset.open(dataset)
    except DatasetError as exc:
        fail(str(exc), EXIT_UNREADABLE)
    t = terminal
    with ds:
        note_if_stale(ds, dataset)
        desc = ds.descriptor
        click.echo(f"chrono-data {__version__}")
        click.echo(f"dataset     {t(ds.name)} {t(ds.version)}")
        click.echo(f"title       {t(ds.title)}")
        click.echo(f"license     {t(licence(desc) or 'none stated')}")
        click.echo(f"location    {t(ds.root)}")
        if ds.curated_sha256:
            click.echo(f"curated     sha256:{t(ds.curated_sha256)}")
        click.echo("checksums (of the files as they are now)")
        problems = []
        for res in ds.resources.values():
            recorded = str(res.spec.get("hash", "?"))
            rows = res.number("rows")
            try:
                digest, size = ds.sha256(res.name)
            except DatasetError as exc:
                click.echo(f"  {'?':71}  {t(res.path)}  (cannot be read)")
                problems.append(str(exc))
                continue
            actual = f"sha256:{digest}"
            click.echo(
                f"  {actual}  {t(res.path)}  ({size} bytes, {'?' if rows is None else rows} rows)"
            )
            if recorded.lower() != actual:
                problems.append(
                    f"{res.file}: sha256 mismatch: {DESCRIPTOR} records {recorded}, "
                    f"the file is {actual}"
                )
        click.echo("cite as (chrono cite --format bibtex|cff for the others)")
        click.echo(f"  {t(plain(desc, __version__))}")
    if problems:  # after the rest: what is said of the dataset still stands
        for problem in problems[:-1]:
            click.echo(f"Error: {one_line(problem)}", err=True)
        fail(problems[-1], EXIT_UNREADABLE)


COMMANDS = [build, list_, show, info]
