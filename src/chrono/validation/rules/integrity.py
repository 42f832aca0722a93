"""CHR601-605 integrity: every file is the one the descriptor vouches for (sha256, size);
its row count (CHR603) is checked from the Parquet footer, freshness (CHR604) against the
curated sources."""

from __future__ import annotations

import json
import re
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from chrono.model.tables import TABLES
from chrono.package import DatasetError
from chrono.validation.findings import relative
from chrono.validation.registry import ERROR, declare
from chrono.validation.report import Finding, Report

if TYPE_CHECKING:
    from chrono.dataset import Dataset

declare(
    "CHR601",
    ERROR,
    "sha256 mismatch",
    """The file's sha256 differs from the hash in datapackage.json: the file changed after
    the build (or a byte flipped). Rebuild, or restore the file.""",
)
declare(
    "CHR602",
    ERROR,
    "size mismatch",
    """The file's size in bytes differs from datapackage.json.""",
)
declare(
    "CHR605",
    ERROR,
    "hash missing, not sha256, or malformed",
    """Each resource's hash in datapackage.json must be 'sha256:' followed by 64 hexadecimal
    digits. A hash without a prefix is MD5 (the Data Package spec), another algorithm or a
    malformed value cannot vouch for the file, so it is an error, never skipped.""",
)

Hashes = dict[str, "Future[tuple[str, int]]"]


def start_hashing(pool: ThreadPoolExecutor, ds: Dataset) -> Hashes:
    """The sha256 and size of every listed file, computed on ``pool`` from its checked,
    open file (a regular file: the reads end)."""
    return {name: pool.submit(ds.sha256, name) for name in ds.resources}


def _finding(code: str, table: str | None, value: Any, message: str, file: str) -> Finding:
    return Finding(code, ERROR, table, None, None, value, message, file)


def check_files(report: Report, ds: Dataset, hashes: Hashes) -> None:
    """CHR601/605 (sha256), CHR602 (size) of every listed file."""
    for res in ds.resources.values():
        name, rel = res.name, relative(res.file)
        try:
            digest, size = hashes[name].result()
        except DatasetError:
            continue  # reading the table reports the missing or unreadable file
        table = name if name in TABLES else None
        expected = res.spec.get("hash")
        problem = _hash_problem(expected)
        if problem is not None:
            report.add(_finding("CHR605", table, expected, f"{res.path}: {problem}", rel))
        else:
            hexd = str(expected).partition(":")[2].lower()
            if hexd != digest:
                report.add(
                    _finding(
                        "CHR601",
                        table,
                        f"sha256:{digest}",
                        f"{res.path}: sha256 mismatch: expected sha256:{hexd}, "
                        f"actual sha256:{digest}",
                        rel,
                    )
                )
        expected_size = res.spec.get("bytes")
        if expected_size is not None and res.number("bytes") != size:
            report.add(
                _finding(
                    "CHR602",
                    table,
                    size,
                    f"{res.path}: size mismatch: expected {json.dumps(expected_size)} bytes, "
                    f"actual {size} bytes",
                    rel,
                )
            )


_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def _hash_problem(expected: Any) -> str | None:
    """Why a descriptor's hash cannot vouch for a file (None: a well-formed sha256)."""
    if expected is None:
        return "no hash: the file's integrity cannot be checked (chrono build writes sha256)"
    if not isinstance(expected, str):
        return f"hash {json.dumps(expected)} is not text"
    algo, sep, hexd = expected.partition(":")
    if not sep:  # the Data Package spec: a hash without a prefix is MD5
        algo, hexd = "md5", expected
    if algo.lower() != "sha256":
        return f"hash algorithm {algo!r} is not sha256 (it is not checked)"
    if not _SHA256.fullmatch(hexd):
        return f"malformed sha256 {hexd!r} (64 hexadecimal digits expected)"
    return None
