"""Cross-table invariants of the model, checked column-wise on Arrow tables.

Each function returns the violations as ``(event_id, field, message)`` sorted by event id.
The build refuses data that breaks any of them; ``chrono validate`` reports them.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from chrono.model.dates import format_day
from chrono.model.vocab import PRECISION_ORDER

Violation = tuple[str, str, str]


def _supporting(claims: pa.Table, prop: str) -> pa.Table:
    mask = pc.and_(
        pc.equal(claims["property"].cast(pa.string()), prop),
        pc.equal(claims["stance"].cast(pa.string()), "supports"),
    )
    return claims.filter(mask)


def missing_support(events: pa.Table, claims: pa.Table) -> list[Violation]:
    """Every event has a supporting occurrence claim and a supporting date claim."""
    out: list[Violation] = []
    for prop in ("occurrence", "date"):
        have = pc.unique(_supporting(claims, prop)["event_id"])
        lacking = events.filter(pc.invert(pc.is_in(events["id"], value_set=have)))["id"]
        out += [(e, "claims", f"no supporting {prop} claim") for e in lacking.to_pylist()]
    return sorted(out)


def _rank(arr: pa.ChunkedArray | pa.Array) -> pa.Array:
    terms = pa.array(PRECISION_ORDER)
    return pc.index_in(arr.cast(pa.string()), value_set=terms)


def _date_claims_joined(events: pa.Table, claims: pa.Table) -> pa.Table:
    dc = _supporting(claims, "date").select(["event_id", "earliest", "latest", "precision"])
    dc = dc.rename_columns(["id", "c_earliest", "c_latest", "c_precision"])
    ev = events.select(["id", "earliest", "latest", "precision", "status"])
    return ev.join(dc, "id", join_type="inner")


def outside_claims(events: pa.Table, claims: pa.Table) -> list[Violation]:
    """An event's interval lies inside each supporting date claim (unless it is disputed)."""
    j = _date_claims_joined(events, claims)
    outside = pc.or_(
        pc.less(j["earliest"], j["c_earliest"]), pc.greater(j["latest"], j["c_latest"])
    )
    not_disputed = pc.not_equal(j["status"].cast(pa.string()), "disputed")
    bad = _days(j.filter(pc.and_(outside, not_disputed)))
    return sorted(
        (
            r["id"],
            "date",
            f"interval {format_day(_d(r['earliest']))}..{format_day(_d(r['latest']))} is not "
            f"inside a supporting date claim's "
            f"{format_day(_d(r['c_earliest']))}..{format_day(_d(r['c_latest']))} "
            "(narrow the date, or mark the event disputed)",
        )
        for r in bad.to_pylist()
    )


def too_precise(events: pa.Table, claims: pa.Table) -> list[Violation]:
    """An event is no more precise than its most precise supporting date claim."""
    j = _date_claims_joined(events, claims)
    if j.num_rows == 0:
        return []
    j = j.append_column("c_rank", _rank(j["c_precision"]))
    finest = j.group_by("id").aggregate([("c_rank", "min")])
    ev = events.select(["id", "precision"])
    ev = ev.append_column("rank", _rank(ev["precision"]))
    both = ev.join(finest, "id", join_type="inner")
    bad = both.filter(pc.less(both["rank"], both["c_rank_min"]))
    return sorted(
        (
            r["id"],
            "date",
            f"precision {r['precision']} is finer than its most precise supporting date "
            f"claim ({PRECISION_ORDER[r['c_rank_min']]})",
        )
        for r in bad.to_pylist()
    )


def outside_parent(events: pa.Table) -> list[Violation]:
    """A child event lies inside its parent's interval."""
    child = events.select(["id", "parent_id", "earliest", "latest"]).filter(
        pc.is_valid(events["parent_id"])
    )
    parent = events.select(["id", "earliest", "latest"]).rename_columns(
        ["parent_id", "p_earliest", "p_latest"]
    )
    j = child.join(parent, "parent_id", join_type="inner")
    bad = _days(
        j.filter(
            pc.or_(pc.less(j["earliest"], j["p_earliest"]), pc.greater(j["latest"], j["p_latest"]))
        )
    )
    return sorted(
        (r["id"], "parent", f"lies outside its parent {r['parent_id']!r}") for r in bad.to_pylist()
    )


def _days(table: pa.Table) -> pa.Table:
    """date32 columns as int32 day numbers: Python dates cannot hold years before 1."""
    for i, field in enumerate(table.schema):
        if pa.types.is_date32(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.int32()))
    return table


def _d(value: object) -> int:
    assert isinstance(value, int)
    return value


def all_violations(tables: dict[str, pa.Table]) -> list[Violation]:
    events, claims = tables["events"], tables["claims"]
    return sorted(
        missing_support(events, claims)
        + outside_claims(events, claims)
        + too_precise(events, claims)
        + outside_parent(events)
    )
