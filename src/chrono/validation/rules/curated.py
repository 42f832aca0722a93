"""The rules on curated YAML (found by the reader chrono build shares, :mod:`chrono.records`
and :mod:`chrono.events`), and the freshness of the Parquet against it (CHR604)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chrono.validation.findings import relative
from chrono.validation.registry import ERROR, declare
from chrono.validation.report import Finding, Report

if TYPE_CHECKING:
    from pathlib import Path

    from chrono.dataset import Dataset

declare(
    "CHR110",
    ERROR,
    "curated file unreadable or malformed",
    """A curated YAML file (dataset.yaml, sources.yaml, actors.yaml, places.yaml,
    events/<id>.yaml) is not UTF-8, is not well-formed YAML, repeats a key in a mapping or
    has a key that is not text. Found by chrono build and by chrono validate of a dataset
    whose Parquet is stale or not built.""",
)
declare(
    "CHR112",
    ERROR,
    "empty or padded text in a curated field",
    """A curated field is empty or starts or ends with white space (a stray space makes two
    different ids). Write the value without surrounding spaces, or leave the field out
    (null).""",
)
declare(
    "CHR113",
    ERROR,
    "curated files not laid out as the model expects",
    """A curated dataset has events/ with one <id>.yaml file per event, whose id equals the
    file name; no other files (a .yml, a folder) and at least one event. A build that would
    write no events is refused rather than publishing an empty chronology.""",
)
declare(
    "CHR116",
    ERROR,
    "claim value does not fit its property",
    """An occurrence claim has no value; every other claim has one. A date claim's value is
    EDTF and only a date claim has a calendar; a place claim's value is a place id; a
    participants claim's value is actor ids separated by ';', each once, sorted.""",
)
STALE = declare(
    "CHR604",
    ERROR,
    "Parquet stale with respect to the curated sources",
    """The curated YAML beside datapackage.json changed since the Parquet was built (its hash
    differs from chrono.curated_sha256 in the descriptor). Run chrono build.""",
)


def _stale(message: str, directory: Path) -> Finding:
    return Finding(
        "CHR604", ERROR, None, None, None, None, message, relative(directory / "dataset.yaml"), 1
    )


def not_built(report: Report, directory: Path, descriptor: str) -> None:
    """CHR604: curated sources without a descriptor beside them."""
    report.add(
        _stale(
            f"not built: no {descriptor} beside the curated sources; run chrono build", directory
        )
    )


def stale(report: Report, ds: Dataset) -> bool:
    """CHR604 when the curated sources changed since the build; True then."""
    from chrono.curation import curated_sha256

    if not ds.curated:
        return False
    recorded = ds.curated_sha256
    actual = curated_sha256(ds.root)
    if recorded == actual:
        return False
    why = (
        f"expected curated sha256 {recorded}, actual {actual}"
        if isinstance(recorded, str)
        else "the descriptor records no curated_sha256"
    )
    report.add(
        _stale(
            f"the Parquet is stale: the curated sources changed since the build ({why}); "
            "run chrono build",
            ds.root,
        )
    )
    return True
