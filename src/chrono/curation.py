"""Reading the curated YAML sources of a dataset into checked rows (docs/curation.md).

Every problem is collected, not only the first: :func:`read_curated` checks every file and
every record and returns them all as :class:`Problem` objects (``file:line:column: CODE
message``, pointing at the field), with the rule codes of ``chrono rules``. Dates stay text:
the loader resolves no YAML scalar except null.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chrono.model.curated import FILES
from chrono.model.vocabularies import CORE, Vocabularies

EVENTS_DIR = "events"
CURATED_FILES = tuple(name for name in FILES if not name.endswith("/"))


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a curated file, at the field it concerns."""

    file: str
    line: int | None
    column: int | None
    code: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.code} {self.message}"


class CurationError(ValueError):
    """The curated sources have problems: ``problems`` lists every one, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=problem_order)
        first = str(self.problems[0]) if self.problems else "no problems"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more)" if more > 0 else ""))


def problem_order(p: Problem) -> tuple[int, str, int, int]:
    """dataset.yaml, then the other top-level files, then events/, each by line."""
    rank = 0 if p.file == "dataset.yaml" else 2 if p.file.startswith(f"{EVENTS_DIR}/") else 1
    return (rank, p.file, p.line or 0, p.column or 0)


class YamlMap(dict[str, Any]):
    """A YAML mapping that remembers where it, each key and each value stand (1-based)."""

    at: tuple[int, int]
    key_at: dict[str, tuple[int, int]]
    value_at: dict[str, tuple[int, int]]

    @property
    def line(self) -> int:
        return self.at[0]


class _Loader(yaml.SafeLoader):
    pass


#: The loader that keeps every scalar but null as text (public for the schema check).
TextLoader = _Loader


# Keep only the null resolver: every other plain scalar is text (dates, numbers, "no").
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag == "tag:yaml.org,2002:null"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node: yaml.Node, file: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = YamlMap()
        out.at, out.key_at, out.value_at = _mark(node), {}, {}
        for knode, vnode in node.value:
            key = _convert(knode, file)
            line, col = _mark(knode)
            if not isinstance(key, str):
                problem = Problem(file, line, col, "CHR110", f"mapping key {key!r} is not text")
                raise CurationError([problem])
            if key in out:
                problem = Problem(file, line, col, "CHR110", f"duplicate key {key!r}")
                raise CurationError([problem])
            out[key] = _convert(vnode, file)
            out.key_at[key], out.value_at[key] = (line, col), _mark(vnode)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(n, file) for n in node.value]
    assert isinstance(node, yaml.ScalarNode)
    if node.tag == "tag:yaml.org,2002:null":
        return None
    return node.value


def read_yaml(path: Path, name: str) -> Any:
    """Parse one YAML file; ``name`` is how problems name it. Raises :class:`CurationError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CurationError([Problem(name, None, None, "CHR113", "file not found")]) from None
    except IsADirectoryError:
        raise CurationError([Problem(name, None, None, "CHR113", "a folder, not a file")]) from None
    except UnicodeDecodeError as exc:
        problem = Problem(name, None, None, "CHR110", f"not UTF-8 ({exc.reason})")
        raise CurationError([problem]) from None
    except OSError as exc:
        problem = Problem(name, None, None, "CHR110", f"cannot read ({exc.strerror})")
        raise CurationError([problem]) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = Problem(name, line, col, "CHR110", f"malformed YAML: {exc.problem}")
        raise CurationError([problem]) from None
    except yaml.YAMLError as exc:
        problem = Problem(name, None, None, "CHR110", f"malformed YAML: {exc}")
        raise CurationError([problem]) from None
    return None if node is None else _convert(node, name)


#: Tables whose ids a finding's key may name, most specific first.
_OWNERS = ("claims", "events")
#: Where a record or a field stands: (file, line, column).
Position = tuple[str, int, int]


@dataclass
class Curated:
    """The content of a dataset's curated sources, and every problem found in them."""

    meta: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
    vocabularies: Vocabularies = CORE
    problems: list[Problem] = field(default_factory=list)
    #: (table, primary key) -> where the record starts
    locations: dict[tuple[str, tuple[str, ...]], Position] = field(default_factory=dict)
    #: (table, primary key, column) -> where the field's value stands
    fields: dict[tuple[str, tuple[str, ...], str], Position] = field(default_factory=dict)

    def locate(
        self, table: str | None, key: tuple[str, ...] | None, column: str | None = None
    ) -> Position | None:
        """Where a row (and, given, its column) of a compiled table came from."""
        if table is None or key is None:
            return None
        # a finding keyed by several records (an event and its claim) points at the most
        # specific one this reading knows: the row itself, else the claim, else the event
        candidates = [(table, key), *((t, (k,)) for k in reversed(key) for t in _OWNERS)]
        for where in candidates:
            if column is not None and (*where, column) in self.fields:
                return self.fields[(*where, column)]  # type: ignore[index]
            if where in self.locations:
                return self.locations[where]
        return None


def curated_files(root: Path) -> list[Path]:
    """The curated source files of a dataset, in a fixed order."""
    files = [root / n for n in CURATED_FILES if (root / n).is_file()]
    events = root / EVENTS_DIR
    if events.is_dir():  # every file, so a stray one (a .yml) makes the build stale
        files += sorted(p for p in events.iterdir() if p.is_file() and p.name[0] != ".")
    return files


def curated_sha256(root: Path) -> str:
    """One hash over the names and bytes of every curated file (freshness of the build)."""
    h = hashlib.sha256()
    for path in curated_files(root):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def has_curated_sources(root: Path) -> bool:
    return (Path(root) / "dataset.yaml").is_file()


def read_curated(root: Path) -> Curated:
    """Read and check every curated file of the dataset at ``root``; collect every problem."""
    from chrono.records import Reader

    return Reader(Path(root)).read()
