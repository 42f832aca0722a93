"""Property: curated YAML -> build -> Parquet -> load gives back exactly what was curated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chrono
from chrono import build as builder
from chrono.model.dates import parse

slugs = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5})?", fullmatch=True)
text = (
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
days = st.dates().map(lambda d: d.isoformat())
edtf_values = st.one_of(
    days,
    st.tuples(days, days).map(lambda t: "/".join(sorted(t))),
    st.integers(1, 9999).map(lambda y: f"{y:04d}"),
)


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Any]:
    ids = draw(st.lists(slugs, min_size=1, max_size=6, unique=True))
    events = []
    for eid in ids:
        date = draw(edtf_values)
        events.append(
            {
                "id": eid,
                "title": draw(text),
                "summary": draw(text),
                "type": draw(st.sampled_from(["state_visit", "video_call", "joint_statement"])),
                "status": draw(st.sampled_from(["confirmed", "planned"])),
                "date": date,
                "claims": [
                    {"source": "src", "property": "occurrence"},
                    {"source": "src", "property": "date", "value": date, "quote": draw(text)},
                ],
            }
        )
    # undated source: a dated one would have to be published after every event it reports
    return {"events": events, "published": None}


def write_curated(root: Path, data: dict[str, Any]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "events").mkdir(exist_ok=True)
    for old in (root / "events").glob("*.yaml"):
        old.unlink()
    meta = {"name": "prop", "title": "Property", "version": "0.0.1", "license": "CC0-1.0"}
    (root / "dataset.yaml").write_text(yaml.safe_dump(meta))
    source = {"id": "src", "kind": "news_report", "published": data["published"]}
    (root / "sources.yaml").write_text(yaml.safe_dump([source], allow_unicode=True))
    (root / "actors.yaml").write_text("[]\n")
    (root / "places.yaml").write_text("[]\n")
    for ev in data["events"]:
        (root / "events" / f"{ev['id']}.yaml").write_text(yaml.safe_dump(ev, allow_unicode=True))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(datasets())
def test_build_then_load_round_trips(tmp_path: Path, data: dict[str, Any]) -> None:
    root = tmp_path / "prop"
    write_curated(root, data)
    result = builder.build(root)
    builder.write(root, result)
    assert builder.build(root).files == result.files  # deterministic
    events = chrono.load("events", root).set_index("id")
    for ev in data["events"]:
        row = events.loc[ev["id"]]
        assert (row["title"], row["summary"], row["date"]) == (
            ev["title"],
            ev["summary"],
            ev["date"],
        )
        assert (str(row["type"]), str(row["status"])) == (ev["type"], ev["status"])
        bounds = parse(ev["date"])
        stored = chrono.load_arrow("events", root).to_pandas()
        got = stored.set_index("id").loc[ev["id"]]
        assert (got["earliest"].toordinal() - 719163, got["latest"].toordinal() - 719163) == (
            bounds.earliest,
            bounds.latest,
        )
    claims = chrono.load("claims", root)
    quotes = sorted(claims["quote"].dropna())
    assert quotes == sorted(ev["claims"][1]["quote"] for ev in data["events"])
