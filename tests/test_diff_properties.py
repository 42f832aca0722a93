"""Properties of chrono.diff over random versions: identity, inverse, and apply."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chrono
from chrono.diffing.report import rows_at
from chrono.model.tables import TABLES
from test_diff_helpers import to_tables

DATES = ["2019", "2019-06", "2019-06-05", "2019-06-01/2019-06-10", "2019~", "2020", "201X"]
EMPTY: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}


@st.composite
def versions(draw: st.DrawFn) -> dict[str, pa.Table]:
    """Events and participants drawn from small pools, so renames and collisions happen."""
    ids = draw(st.lists(st.sampled_from([f"e{i}" for i in range(6)]), unique=True, max_size=6))
    events = [
        {
            "id": i,
            "title": draw(st.sampled_from(["Talks", "Visit"])),
            "summary": "s",
            "type": draw(st.sampled_from(["bilateral_meeting", "state_visit"])),
            "status": draw(st.sampled_from(["confirmed", "disputed"])),
            "date": draw(st.sampled_from(DATES)),
            "place_id": draw(st.sampled_from([None, "here"])),
        }
        for i in ids
    ]
    pool = [(e, a, r) for e in ids for a in ("x", "y") for r in ("host", "guest")]
    chosen = draw(st.lists(st.sampled_from(pool), unique=True, max_size=8)) if pool else []
    participants = [{"event_id": e, "actor_id": a, "role": r} for e, a, r in chosen]
    tables = to_tables({**EMPTY, "events": events, "participants": participants})
    return {"events": tables["events"], "participants": tables["participants"]}


SWAP = {"refined": "coarsened", "coarsened": "refined"}


def invert(report: dict[str, Any]) -> dict[str, Any]:
    """What diff(B, A) must be, given diff(A, B)."""
    report = json.loads(json.dumps(report))
    for t in report["tables"]:
        t["added"], t["removed"] = t["removed"], t["added"]
        c = t["counts"]
        c["added"], c["removed"] = c["removed"], c["added"]
        t["date_changes"] = {
            col: {SWAP.get(k, k): n for k, n in classes.items()}
            for col, classes in t["date_changes"].items()
        }
        for e in t["changed"]:
            if "old_key" in e:
                e["key"], e["old_key"] = e["old_key"], e["key"]
            e["fields"] = {k: {"old": v["new"], "new": v["old"]} for k, v in e["fields"].items()}
            if "date_changes" in e:
                e["date_changes"] = {k: SWAP.get(v, v) for k, v in e["date_changes"].items()}
        for e in t["renamed"]:
            e["old_key"], e["new_key"] = e["new_key"], e["old_key"]
            e["fields"] = {k: {"old": v["new"], "new": v["old"]} for k, v in e["fields"].items()}
    return report


def normal(report: dict[str, Any]) -> dict[str, Any]:
    """Order-free form: lists as sorted JSON, labels and derived groupings dropped."""
    out = {}
    for t in report["tables"]:
        t = dict(t)
        for k in ("added", "removed", "changed", "renamed"):
            t[k] = sorted(json.dumps(e, sort_keys=True) for e in t[k])
        t["date_changes"] = {c: v for c, v in t["date_changes"].items() if v}
        out[t["name"]] = t
    return out


def rows(table: pa.Table) -> list[str]:
    import numpy as np

    idx = np.arange(table.num_rows, dtype=np.int64)
    return sorted(json.dumps(r, sort_keys=True) for r in rows_at(table, idx, table.column_names))


SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("engine", ["arrow", "duckdb"])
@SETTINGS
@given(a=versions())
def test_a_version_against_itself_is_empty(engine: str, a: dict[str, pa.Table]) -> None:
    assert chrono.diff(a, a, engine=engine).is_empty


@pytest.mark.parametrize("engine", ["arrow", "duckdb"])
@SETTINGS
@given(a=versions(), b=versions())
def test_inverse_and_apply(engine: str, a: dict[str, pa.Table], b: dict[str, pa.Table]) -> None:
    forward = chrono.diff(a, b, engine=engine)
    backward = chrono.diff(b, a, engine=engine)
    assert normal(backward.to_dict()) == normal(invert(forward.to_dict()))
    assert forward.is_empty == (all(rows(a[t]) == rows(b[t]) for t in a))
    applied = forward.apply(a)
    for name in a:
        assert sorted(json.dumps(r, sort_keys=True) for r in applied[name].to_pylist()) == rows(
            b[name]
        )
