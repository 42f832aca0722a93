"""Reading the curated YAML sources of a dataset into checked rows (docs/curation.md).

Every problem is collected, not only the first: :func:`read_curated` checks every file and
every record and returns them all as :class:`Problem` objects (``file:line:column: CODE
message``, pointing at the field), with the rule codes of ``chrono rules``. Dates stay text:
the loader resolves no YAML scalar except null.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chrono import safeio
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


_NULL_TAG, _STR_TAG = "tag:yaml.org,2002:null", "tag:yaml.org,2002:str"
_SEQ_TAG, _MAP_TAG = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))  # what PyYAML's null resolver matches


class _NullOnly:
    """PyYAML's resolver with only its null resolver: a plain scalar that spells null is
    null, every other scalar is text (dates, numbers, "no"). In one step per node: the
    parser asks for every node's tag (and PyYAML's own resolver tries its regexes)."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _NULL_TAG if implicit[0] and value in _NULLS else _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers: nothing to track."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to track."""


class _Loader(_NullOnly, yaml.SafeLoader):
    """PyYAML's pure-Python parser (where libyaml is not installed)."""


if yaml.__with_libyaml__:

    class _CLoader(_NullOnly, yaml.CSafeLoader):
        """libyaml's parser: the same nodes, with the same marks, ~30x faster."""


def yaml_loader() -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    """libyaml's loader where PyYAML was built with it, else the pure-Python one."""
    return _CLoader if yaml.__with_libyaml__ else _Loader


_Scalar = yaml.ScalarNode


def _convert(node: yaml.Node, file: str) -> Any:
    """Plain values of a composed node; mappings keep where they, their keys and values stand.

    Every node of every curated file passes here: scalars (most nodes) are tested first
    and a mapping's plain keys and scalar values are converted in its own loop.
    """
    kind = type(node)
    if kind is _Scalar:
        return None if node.tag == _NULL_TAG else node.value
    if kind is yaml.SequenceNode:
        return [_convert(n, file) for n in node.value]
    out = YamlMap()
    mark = node.start_mark
    out.at = (mark.line + 1, mark.column + 1)
    out.key_at = key_at = {}
    out.value_at = value_at = {}
    for knode, vnode in node.value:
        kmark = knode.start_mark
        if type(knode) is _Scalar and knode.tag != _NULL_TAG:
            key = knode.value
        else:
            key = _convert(knode, file)
            if not isinstance(key, str):
                problem = Problem(
                    file,
                    kmark.line + 1,
                    kmark.column + 1,
                    "CHR110",
                    f"mapping key {key!r} is not text",
                )
                raise CurationError([problem])
        if key in out:
            problem = Problem(
                file, kmark.line + 1, kmark.column + 1, "CHR110", f"duplicate key {key!r}"
            )
            raise CurationError([problem])
        if type(vnode) is _Scalar:
            out[key] = None if vnode.tag == _NULL_TAG else vnode.value
        else:
            out[key] = _convert(vnode, file)
        vmark = vnode.start_mark
        key_at[key] = (kmark.line + 1, kmark.column + 1)
        value_at[key] = (vmark.line + 1, vmark.column + 1)
    return out


#: Deepest nesting of mappings and lists a curated file may use (an event is 3 deep).
MAX_DEPTH = 32
#: A line indented (or with "- " items) deep enough to nest past MAX_DEPTH in block style.
_MAYBE_DEEP = re.compile(rf"^[ \t-]{{{MAX_DEPTH},}}", re.M)


def check_nodes(node: yaml.Node, name: str) -> None:
    """Refuse aliases (an alias bomb expands exponentially when converted) and nesting
    deeper than :data:`MAX_DEPTH`, at the node's line; one iterative pass, any loader."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    while stack:
        node, depth = stack.pop()
        if type(node) is _Scalar:
            continue
        mark = node.start_mark
        at = (mark.line + 1, mark.column + 1)
        if id(node) in seen:
            message = "malformed YAML: aliases (*) are not allowed"
            raise CurationError([Problem(name, *at, "CHR110", message)])
        seen.add(id(node))
        if depth > MAX_DEPTH:
            message = f"malformed YAML: nested more than {MAX_DEPTH} levels deep"
            raise CurationError([Problem(name, *at, "CHR110", message)])
        children = (
            node.value
            if type(node) is yaml.SequenceNode
            else (n for pair in node.value for n in pair)
        )
        stack.extend((child, depth + 1) for child in children)


def read_yaml(
    path: Path, name: str, root: Path | None = None, files: CuratedFiles | None = None
) -> Any:
    """Parse one YAML file; ``name`` is how problems name it. Raises :class:`CurationError`.

    The file is read through :mod:`chrono.safeio` (by ``files``, which keeps its bytes for
    the hash, when given): a regular file inside ``root`` under the size cap; any other (a
    FIFO, a device, a symlink out) raises ``safeio.InputError``.
    """
    try:
        blob = (
            files.read(path)
            if files is not None
            else safeio.read_bytes(path, kind="yaml", root=root)
        )
        text = blob.decode("utf-8")
    except safeio.FileMissing:
        raise CurationError([Problem(name, None, None, "CHR113", "file not found")]) from None
    except safeio.InputError as exc:
        if str(exc).endswith("(a directory)"):
            problem = Problem(name, None, None, "CHR113", "a folder, not a file")
            raise CurationError([problem]) from None
        raise safeio.InputError(f"{name}: {str(exc).split(': ', 1)[-1]}") from None
    except UnicodeDecodeError as exc:
        # where: the line and column (in characters) of the first byte that is not UTF-8
        good = blob[: exc.start].decode("utf-8")
        row, column = good.count("\n") + 1, len(good) - (good.rfind("\n") + 1) + 1
        byte = f"byte 0x{blob[exc.start]:02x}"
        problem = Problem(name, row, column, "CHR110", f"not UTF-8 ({byte}: {exc.reason})")
        raise CurationError([problem]) from None
    except OSError as exc:
        problem = Problem(name, None, None, "CHR110", f"cannot read ({exc.strerror})")
        raise CurationError([problem]) from None
    try:
        node = yaml.compose(text, Loader=yaml_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        why = f"malformed YAML: {exc.problem}"
        lines = text.splitlines() if mark is not None else []
        at = lines[mark.line][: mark.column + 1] if mark and mark.line < len(lines) else ""
        if "\t" in at and "tab" not in why:  # libyaml's words do not always say so
            why += " (a tab: YAML indents with spaces)"
        problem = Problem(name, line, col, "CHR110", why)
        raise CurationError([problem]) from None
    except yaml.YAMLError as exc:
        problem = Problem(name, None, None, "CHR110", f"malformed YAML: {exc}")
        raise CurationError([problem]) from None
    except RecursionError:
        problem = Problem(name, None, None, "CHR110", "malformed YAML: nested too deeply")
        raise CurationError([problem]) from None
    if node is None:
        return None
    if "*" in text or _MAYBE_DEEP.search(text) or text.count("[") + text.count("{") > MAX_DEPTH:
        check_nodes(node, name)  # only where an alias or deep nesting can be: most files not
    return _convert(node, name)


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
    #: (table, primary key) -> the file and the mapping a record was read from (its
    #: ``value_at`` says where each field's value stands)
    records: dict[tuple[str, tuple[str, ...]], tuple[str, YamlMap]] = field(default_factory=dict)
    #: table -> column -> the record field a finding about the column points at
    field_of: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the files as they were read, for the hash
    files: CuratedFiles | None = field(default=None, repr=False, compare=False)

    def sha256(self, root: Path) -> str:
        """:func:`curated_sha256` of the dataset at ``root``, from the bytes this reading
        read (a file it did not read, such as a stray ``events/x.yml``, is read now)."""
        if self.files is None or self.files.root != Path(root):
            return curated_sha256(root)
        return self.files.sha256()

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
            if column is not None and where in self.records:
                file, rec = self.records[where]
                name = self.field_of.get(where[0], {}).get(column)
                if name is not None and name in rec.value_at:
                    return (file, *rec.value_at[name])
            if where in self.locations:
                return self.locations[where]
        return None


def folder_entries(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of a folder sorted by name (a ``DirEntry`` knows whether it is a file
    without a ``stat``, unless it is a symlink)."""
    with os.scandir(folder) as it:
        return sorted(it, key=lambda e: e.name)


def curated_files(root: Path) -> list[Path]:
    """The curated source files of a dataset, in a fixed order."""
    return curated_layout(root)[0]


def curated_layout(root: Path) -> tuple[list[Path], list[str]]:
    """The curated source files of a dataset, in a fixed order, and the names of the other
    entries of ``events/`` (folders, FIFOs, symlinks to nothing), which a build refuses.
    Names starting with a dot are neither."""
    files = [root / n for n in CURATED_FILES if (root / n).is_file()]
    others: list[str] = []
    events = root / EVENTS_DIR
    if events.is_dir():  # every file, so a stray one (a .yml) makes the build stale
        for entry in folder_entries(events):
            if entry.name[0] == ".":
                continue
            if is_file(entry):
                files.append(events / entry.name)
            else:
                others.append(entry.name)
    return files, others


def is_file(entry: os.DirEntry[str]) -> bool:
    """Whether an entry is a file, or a symlink to one (``Path.is_file``: false, not an
    error, for a symlink loop or a file gone meanwhile)."""
    try:
        return entry.is_file()
    except OSError:
        return False


class CuratedFiles:
    """The curated files of a dataset, each read once through :mod:`chrono.safeio` (the
    event files relative to their folder, opened once) and kept: the hash a build records
    is that of the very bytes it was built from, not of a second reading."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.events = safeio.InputFolder(self.root / EVENTS_DIR, self.root)
        self.kept: dict[Path, bytes] = {}
        self._layout: tuple[list[Path], list[str]] | None = None

    def layout(self) -> tuple[list[Path], list[str]]:
        """:func:`curated_layout`, listed once: the files a build reads are the files its
        hash covers, though files come and go in ``events/`` meanwhile."""
        if self._layout is None:
            self._layout = curated_layout(self.root)
        return self._layout

    def read(self, path: Path) -> bytes:
        """The bytes of a curated file of this dataset (read on the first call)."""
        blob = self.kept.get(path)
        if blob is None:
            if path.parent == self.events.path:
                blob = self.events.read_bytes(path.name, "yaml")
            else:
                blob = safeio.read_bytes(path, kind="yaml", root=self.root)
            self.kept[path] = blob
        return blob

    def sha256(self) -> str:
        """One hash over the names and bytes of every curated file (freshness of the build),
        and the names of the entries of ``events/`` that are not files: a folder put there
        makes the build stale, as the build refuses it. A file's bytes are hashed with LF
        line endings and no BOM (:func:`~chrono.safeio.lf_text`), so a checkout with CRLF
        (git's ``core.autocrlf``) has the hash of the LF files the build saw."""
        h = hashlib.sha256()
        files, others = self.layout()
        for path in files:
            # the name's bytes as on disk (a name that is not UTF-8 is hashed, not refused)
            h.update(os.fsencode(path.relative_to(self.root).as_posix()) + b"\0")
            h.update(safeio.lf_text(self.read(path)) + b"\0")
        for name in others:
            h.update(os.fsencode(f"{EVENTS_DIR}/{name}") + b"\0(not a file)\0")
        return h.hexdigest()

    def close(self) -> None:
        self.events.close()


def curated_sha256(root: Path) -> str:
    """One hash over the names and bytes of every curated file (freshness of the build):
    :meth:`CuratedFiles.sha256`."""
    files = CuratedFiles(root)
    try:
        return files.sha256()
    finally:
        files.close()


def has_curated_sources(root: Path) -> bool:
    return (Path(root) / "dataset.yaml").is_file()


def read_curated(root: Path) -> Curated:
    """Read and check every curated file of the dataset at ``root``; collect every problem."""
    from chrono.records import Reader

    return Reader(Path(root)).read()
