"""chrono's EDTF parser against an outside suite: the edtf package's own test cases and the
Library of Congress specification's examples (levels 0, 1 and 2), bounds compared with the
edtf package's ``lower_strict``/``upper_strict``. docs/dates.md shows the resulting table;
``python tests/test_dates_conformance.py`` prints it.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.model.dates import EDTFError, days_from_civil, parse

DATA = Path(__file__).resolve().parent / "data" / "edtf"
DOC = Path(__file__).resolve().parent.parent / "docs" / "dates.md"
edtf = pytest.importorskip("edtf")


def spec_examples() -> list[tuple[int, str, str]]:
    lines = [x for x in (DATA / "loc_spec_examples.tsv").read_text().splitlines() if x[:1] != "#"]
    return [
        (int(r["level"]), r["section"], r["example"]) for r in csv.DictReader(lines, delimiter="\t")
    ]


def package_cases() -> dict[str, Any]:
    cases: dict[str, Any] = json.loads((DATA / "edtf_package_cases.json").read_text())
    return cases


def theirs(value: str) -> tuple[float, float] | None:
    """The edtf package's strict bounds as day numbers (±inf for open ends), None if it
    rejects the value."""
    try:
        parsed = edtf.parse_edtf(value)
    except Exception:  # the package raises its own exception types
        return None

    def days(t: Any) -> float:
        return t if isinstance(t, float) else days_from_civil(t.tm_year, t.tm_mon, t.tm_mday)

    return days(parsed.lower_strict()), days(parsed.upper_strict())


# Why chrono's bounds differ from the edtf package's, decided from the value's form.
WHY = {
    "open": "open end (`..`): `edtf` gives ±infinity, chrono the first/last day of the "
    "supported range",
    "unknown": "unknown end (empty): `edtf` guesses 10 years from the known end, chrono "
    "stores the extreme of the supported range (it does not guess)",
    "winter": "winter (`YYYY-24`): `edtf` takes December only, chrono December to the end "
    "of the next February",
}
# What a documented rejection says, by the kind of its message.
REJECTED = {
    "EDTF level 2": "an EDTF level 2 feature",
    "times of day": "a time of day (chrono stores dates)",
    "outside the supported range": "a year outside the Arrow `date32` range",
}


def why_differs(value: str) -> str:
    if ".." in value.split("/"):
        return "open"
    if value.startswith("/") or value.endswith("/"):
        return "unknown"
    if value.rstrip("?~%").endswith("-24"):
        return "winter"
    raise AssertionError(f"{value!r}: bounds differ from the edtf package's for no known reason")


@dataclass
class Outcome:
    value: str
    accepted: bool
    same: bool | None = None  # bounds equal the edtf package's (None: it gives none)
    why: str = ""  # why the bounds differ, or why chrono rejects it


def outcome(value: str, *, invalid: bool = False) -> Outcome:
    try:
        b = parse(value)
    except EDTFError as exc:
        message = str(exc)
        kinds = [kind for key, kind in REJECTED.items() if key in message]
        assert kinds or invalid, f"undocumented rejection: {message}"
        return Outcome(
            value, False, why=kinds[0] if kinds else "invalid (the `edtf` package rejects it too)"
        )
    assert not invalid, f"{value!r} is accepted; the edtf package's tests call it invalid"
    other = theirs(value)
    if other is None:
        return Outcome(value, True)
    lo, hi = other
    if (b.earliest, b.latest) == (lo, hi):
        return Outcome(value, True, same=True)
    kind = why_differs(value)
    if kind == "open":  # the same meaning: only the representation of "no bound" differs
        assert (math.isinf(lo) or lo == b.earliest) and (math.isinf(hi) or hi == b.latest)
    return Outcome(value, True, same=False, why=kind)


def suites() -> list[tuple[str, str, list[Outcome]]]:
    out: list[tuple[str, str, list[Outcome]]] = []
    spec = spec_examples()
    for level in (0, 1, 2):
        rows = [outcome(v) for lv, _, v in spec if lv == level]
        out.append(("LoC specification examples", str(level), rows))
    cases = package_cases()
    for level in (0, 1, 2):
        rows = [outcome(c["value"]) for c in cases["examples"] if c["level"] == level]
        out.append(("`edtf` package test cases", str(level), rows))
    out.append(
        ("`edtf` package invalid cases", "–", [outcome(v, invalid=True) for v in cases["bad"]])
    )
    return out


def table() -> str:
    lines = [
        "| suite | level | cases | accepted | same bounds as `edtf` | bounds differ | rejected |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    differ: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    rejected: Counter[str] = Counter()
    for suite, level, rows in suites():
        accepted = [r for r in rows if r.accepted]
        same = sum(r.same is True for r in accepted)
        diff = [r for r in accepted if r.same is False]
        lines.append(
            f"| {suite} | {level} | {len(rows)} | {len(accepted)} | {same} | {len(diff)} | "
            f"{len(rows) - len(accepted)} |"
        )
        for r in diff:
            differ[r.why] += 1
            examples.setdefault(r.why, []).append(r.value)
        rejected.update(r.why for r in rows if not r.accepted)
    lines += ["", "Bounds that differ from the `edtf` package's, and why:", ""]
    for kind, n in sorted(differ.items()):
        shown = ", ".join(f"`{v}`" for v in dict.fromkeys(examples[kind]))
        lines.append(f"- {n} × {WHY[kind]}: {shown}.")
    lines += ["", "Rejected, each with a message saying why:", ""]
    for kind, n in sorted(rejected.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"- {n} × {kind}.")
    return "\n".join(lines) + "\n"


def test_the_table_in_docs_is_current() -> None:
    text = DOC.read_text()
    embedded = text.split("<!-- conformance -->\n", 1)[1].split("<!-- /conformance -->", 1)[0]
    assert embedded == table(), "run: python tests/test_dates_conformance.py"


def test_every_level_0_and_1_example_of_the_specification_is_accepted_but_documented_ones() -> None:
    refused = {v for lv, _, v in spec_examples() if lv < 2 and not outcome(v).accepted}
    assert refused == {
        "1985-04-12T23:20:30",
        "1985-04-12T23:20:30Z",
        "1985-04-12T23:20:30-04",
        "1985-04-12T23:20:30+04:30",
        "Y170000002",  # beyond the Arrow date32 range
        "Y-170000002",
    }
    level2 = {v for lv, _, v in spec_examples() if lv == 2 and outcome(v).accepted}
    assert level2 == {"2004-06-11%", "2004-06-XX/2004-07-03"}  # level 1 forms, listed again


@pytest.mark.parametrize("case", package_cases()["qualifiers"], ids=lambda c: c["value"])
def test_qualifiers_agree_with_the_edtf_package(case: dict[str, Any]) -> None:
    uncertain, approximate, both = case["uncertain_approximate_both"]
    try:
        b = parse(case["value"])
    except EDTFError as exc:
        assert "EDTF level 2" in str(exc)
        return
    assert (b.uncertain, b.approximate) == (uncertain or both, approximate or both)


_years = st.integers(min_value=1, max_value=9999).map(lambda y: f"{y:04d}")
_single = st.one_of(
    _years,
    st.integers(1, 9999).map(lambda y: f"-{y:04d}"),
    st.tuples(_years, st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.dates().map(lambda d: d.isoformat()),
    st.tuples(_years, st.integers(1, 2)).map(lambda t: t[0][: 4 - t[1]] + "X" * t[1]),
    _years.map(lambda y: f"{y}-XX"),
    st.tuples(_years, st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}-XX"),
)
_season = st.tuples(_years, st.integers(21, 23)).map(lambda t: f"{t[0]}-{t[1]}")
# edtf does not accept a qualified season; unqualified seasons are compared
_qualified = st.one_of(
    st.tuples(_single, st.sampled_from(["", "?", "~", "%"])).map("".join), _season
)


@settings(max_examples=60, deadline=None)  # the edtf package takes ~10 ms a parse
@given(
    st.one_of(
        _qualified,
        st.tuples(_qualified, _qualified).map("/".join),
        _qualified.map(lambda v: f"{v}/.."),
        _qualified.map(lambda v: f"../{v}"),
    )
)
def test_agrees_with_the_edtf_package(value: str) -> None:
    """The edtf package is the oracle for every string both accept (open ends: ±inf)."""
    try:
        ours = parse(value)
    except EDTFError:
        lo, hi = value.split("/") if "/" in value else (value, value)
        # we reject only intervals that end before they start
        assert parse(lo.rstrip("?~%")).earliest > parse(hi.rstrip("?~%")).latest
        return
    other = theirs(value)
    if other is None:  # the edtf package fails on some intervals with X: 2000/2001-XX, 0001/000X?
        assert "/" in value and "X" in value, value
        return
    lo, hi = other
    assert ours.earliest == lo or (ours.start == "open" and lo == -math.inf)
    assert ours.latest == hi or (ours.end == "open" and hi == math.inf)


if __name__ == "__main__":
    print(table(), end="")
