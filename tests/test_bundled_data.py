"""The bundled dataset's facts: each correction of issue 13 and the conventions that keep
them right, asserted on the loaded tables (never on file paths: the build may rename them).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from chrono.dataset import Dataset
from chrono.validation import validate
from conftest import BUNDLED, SHARED_SOURCES

DS = Dataset.open(BUNDLED)


def rows(table: str) -> list[dict[str, Any]]:
    t = DS.read_table(table)
    for i, f in enumerate(t.schema):
        if hasattr(f.type, "value_type"):
            t = t.set_column(i, f.name, t.column(i).cast(f.type.value_type))
    return t.to_pylist()


EVENTS = {e["id"]: e for e in rows("events")}
CLAIMS = rows("claims")
SOURCES = {s["id"]: s for s in rows("sources")}


def claims(event: str, prop: str | None = None, source: str | None = None) -> list[dict]:
    return [
        c
        for c in CLAIMS
        if c["event_id"] == event
        and (prop is None or c["property"] == prop)
        and (source is None or c["source_id"] == source)
    ]


def one(event: str, prop: str, source: str) -> dict[str, Any]:
    (found,) = claims(event, prop, source)
    return found


#: Sources the registry marks partial as a whole (repost, mirror, aggregator, weak or unread
#: pages, a caption): every claim citing them is uncertain.
PARTIAL = {
    "kremlin-joint-statement-2022",
    "prc-mfa-joint-statement-2022",
    "sunlionmetals-ap-gas-deal-2014",
    "aprc-xi-putin-lima-2016",
    "ru24-putin-xi-lima-2016",
    "china-daily-mirror-2018-12-02-xi-g20-meetings",
    "newstube-ric-buenos-aires-2018",
    "china-news-online-xi-leaves-moscow-2025",
    "actual-news-xi-putin-declaration-2026",
    "hanna-ai-putin-beijing-2026",
    "monexusmedia-test-putin-beijing-2026",
}
#: Claims uncertain for one partial element of a source otherwise read as it stands.
PARTIAL_CLAIMS = {
    "xi-state-visit-russia-2019/date/tass-2019-05-29-xi-visit-spief",  # departure
    "putin-xi-belt-road-forum-2019/date/scmp-putin-belt-road-2019",  # "on Friday"
    "xi-putin-brasilia-2019/occurrence/rockdale-cnn-2022-12-30-xi-putin-video",  # caption
    "xi-putin-brasilia-2019/date/rockdale-cnn-2022-12-30-xi-putin-video",
    "xi-putin-brasilia-2019/place/rockdale-cnn-2022-12-30-xi-putin-video",
}


# --------------------------------------------------------------------------- corrections


def test_2018_visit_is_dated_from_what_sources_state() -> None:
    ev = EVENTS["putin-state-visit-china-2018"]
    assert (ev["date"], ev["type"], ev["place_id"]) == (
        "2018-06-08/2018-06-10",
        "state_visit",
        "beijing",
    )
    # the RT report of 11 June gives a start only: no date claim, and nothing ends on the
    # day it was published
    assert claims(ev["id"], "date", "rt-2018-06-11-putin-state-visit") == []
    assert {c["source_id"]: c["value"] for c in claims(ev["id"], "date")} == {
        "tass-2018-05-23-putin-china-visit": "2018-06-08/2018-06-10",
        "pravda-ru-2018-06-08-putin-china": "2018-06-08/2018-06-10",
    }
    lede = one(ev["id"], "type", "tass-2018-05-23-putin-china-visit")
    assert (lede["value"], lede["stance"], lede["mode"]) == (
        "official_visit",
        "contradicts",
        "announced",
    )
    assert "Ushakov" in lede["note"] and "state visit" in lede["note"]
    assert sorted(
        c["source_id"] for c in claims(ev["id"], "type") if c["value"] == "state_visit"
    ) == ["china-project-2018-06-08-friendship-medal", "rt-2018-06-11-putin-state-visit"]
    assert EVENTS["sco-summit-qingdao-2018"]["place_id"] == "qingdao"


def test_2014_state_visit_is_confirmed_by_reports_not_by_counts() -> None:
    ev = EVENTS["putin-state-visit-china-2014"]
    assert (ev["status"], ev["date"], ev["place_id"]) == (
        "confirmed",
        "2014-05-20/2014-05-21",
        "shanghai",
    )
    reporting = sorted(
        c["source_id"] for c in claims(ev["id"], "occurrence") if c["mode"] != "announced"
    )
    assert reporting == [
        "gazzetta-di-parma-2014-05-20-gas-talks",
        "scmp-2014-05-20-xi-putin-cica",
        "sunlionmetals-ap-gas-deal-2014",
        "yahoo-ap-putin-shanghai-2014",
    ]


def test_no_planned_event_is_left_behind() -> None:
    assert {e["id"] for e in EVENTS.values() if e["status"] == "planned"} == {
        "xi-putin-brasilia-2019"  # announcements and a partial caption only
    }
    report = validate(BUNDLED)
    assert "CHR408" not in report.results and "CHR409" not in report.results


@pytest.mark.parametrize(
    ("event", "place"),
    [
        ("russia-invasion-ukraine-2022", "ukraine"),
        ("putin-state-visit-china-2018", "beijing"),
        ("sco-summit-qingdao-2018", "qingdao"),
        ("putin-visit-china-2025", "beijing"),
        ("sco-summit-tianjin-2025", "tianjin"),
        # no source names where these were issued: the Kremlin's press service, the foreign
        # ministry's 12-point document
        ("kremlin-announces-xi-visit-2023", None),
        ("china-position-paper-ukraine-2023", None),
    ],
)
def test_places_where_sources_name_one(event: str, place: str | None) -> None:
    assert EVENTS[event]["place_id"] == place
    if place is not None:
        assert any(c["value"] == place for c in claims(event, "place"))


#: Each meeting held at a multilateral summit, and its parent (None: no registered source
#: dates the summit, or names which of two summits it was).
SIDELINE = {
    "xi-putin-durban-2013": "brics-summit-durban-2013",
    "xi-putin-st-petersburg-2013": "g20-summit-st-petersburg-2013",
    "xi-putin-bali-2013": "apec-summit-bali-2013",
    "xi-putin-fortaleza-2014": "brics-summit-fortaleza-2014",
    "xi-putin-dushanbe-2014": "sco-summit-dushanbe-2014",
    "xi-putin-ufa-2015": None,
    "xi-putin-tashkent-2016": "sco-summit-tashkent-2016",
    "xi-putin-hangzhou-2016": "g20-summit-hangzhou-2016",
    "xi-putin-lima-2016": None,
    "putin-xi-belt-road-forum-2017": "belt-and-road-forum-2017",
    "xi-putin-astana-2017": "sco-summit-astana-2017",
    "xi-putin-johannesburg-2018": "brics-summit-johannesburg-2018",
    "xi-putin-buenos-aires-2018": None,
    "putin-xi-belt-road-forum-2019": "belt-and-road-forum-2019",
    "xi-putin-dushanbe-2019": "cica-summit-dushanbe-2019",
    "xi-putin-brasilia-2019": None,
    "putin-xi-samarkand-2022": "sco-summit-samarkand-2022",
    "putin-xi-beijing-2023": "belt-and-road-forum-2023",
    "xi-putin-kazan-2024": "brics-summit-kazan-2024",
}


def test_meetings_at_summits_are_modelled_one_way() -> None:
    sideline = {e["id"]: e["parent_id"] for e in EVENTS.values()}
    assert {
        k: v for k, v in sideline.items() if EVENTS[k]["type"] == "summit_sideline_meeting"
    } == SIDELINE
    for parent in filter(None, SIDELINE.values()):
        assert EVENTS[parent]["type"] == "multilateral_summit"
    # three-way meetings at a summit hang under it too
    assert EVENTS["russia-china-mongolia-dushanbe-2014"]["parent_id"] == "sco-summit-dushanbe-2014"
    assert EVENTS["russia-india-china-osaka-2019"]["parent_id"] == "g20-summit-osaka-2019"
    # meetings "ahead of" or "on the eve of" a summit, or at no summit, stay bilateral
    assert {e["id"] for e in EVENTS.values() if e["type"] == "bilateral_meeting"} == {
        "xi-putin-sochi-2014",
        "xi-putin-beijing-2014",
        "xi-putin-xiamen-2017",
        "xi-putin-vladivostok-2018",
        "xi-putin-astana-2024",
    }


@pytest.mark.parametrize(
    ("event", "date"),
    [
        ("sco-summit-dushanbe-2014", "2014-09-11/2014-09-12"),  # "(11–12 September)"
        ("belt-and-road-forum-2017", "2017-05-14/2017-05-15"),  # "forum 14–15 May"
        ("sco-summit-qingdao-2018", "2018-06-09/2018-06-10"),
        ("belt-and-road-forum-2019", "2019-04-26/2019-04-27"),
        ("sco-summit-bishkek-2019", "2019-06-14"),  # its opening, the day given
        ("cica-summit-dushanbe-2019", "2019-06-15"),  # the next day, not overlapping it
        ("sco-summit-tianjin-2025", "2025-08-31/2025-09-01"),
        # only the meeting held at it is dated: the summit to the month, noted as ours
        ("sco-summit-samarkand-2022", "2022-09"),
        ("sco-summit-astana-2017", "2017-06"),
        ("brics-summit-kazan-2024", "2024-10"),
    ],
)
def test_summit_dates_at_the_precision_sources_give(event: str, date: str) -> None:
    assert EVENTS[event]["date"] == date


@pytest.mark.parametrize(
    "event",
    [
        "brics-summit-durban-2013",
        "g20-summit-st-petersburg-2013",
        "apec-summit-bali-2013",
        "brics-summit-fortaleza-2014",
        "sco-summit-tashkent-2016",
        "g20-summit-hangzhou-2016",
        "brics-summit-johannesburg-2018",
        "g20-summit-osaka-2019",
        "brics-summit-kazan-2024",
    ],
)
def test_a_summit_dated_from_a_meeting_at_it_says_the_month_is_ours(event: str) -> None:
    (claim,) = claims(event, "date")
    assert claim["value"] == EVENTS[event]["date"] and len(claim["value"]) == 7
    assert claim["note"].endswith("not the summit itself: the month is ours, from that day.")


def test_2022_joint_statement_dates() -> None:
    ev = "joint-statement-beijing-2022"
    kremlin = one(ev, "date", "kremlin-joint-statement-2022")
    assert (kremlin["value"], kremlin["certainty"]) == ("2022-02-04?", "uncertain")
    mt = one(ev, "date", "moscow-times-2022-02-04-putin-beijing")
    assert (mt["value"], mt["mode"], mt["certainty"]) == ("2022-02-04", "announced", "certain")
    assert one(ev, "date", "usc-joint-statement-2022")["value"] == "2022-02-04"
    assert EVENTS[ev]["date"] == "2022-02-04"


def test_st_andrew_page_has_the_registry_date() -> None:
    assert SOURCES["kremlin-order-st-andrew-xi-2017"]["published"] == "2017-07-04"


def test_descriptor_never_puts_the_publisher_in_a_title() -> None:
    listed = DS.descriptor["sources"]
    by_path = {s["path"]: s for s in listed if "path" in s}
    assert len(listed) == len(SOURCES)
    for src in SOURCES.values():
        entry = by_path[src["url"]]
        assert entry["title"] == (src["title"] or "")
        assert entry.get("chrono:publisher") == src["publisher"]
    untitled = [s for s in listed if s["title"] == ""]
    assert len(untitled) == sum(1 for s in SOURCES.values() if s["title"] is None) > 0


def test_certainty_only_where_the_registry_marks_partial() -> None:
    for c in CLAIMS:
        partial = c["source_id"] in PARTIAL or c["id"] in PARTIAL_CLAIMS
        assert (c["certainty"] == "uncertain") is partial, c["id"]
        if c["property"] == "date":
            assert ("?" in c["value"]) is partial, c["id"]
    # the curator's inference is a note, not uncertainty
    mfa = one("china-mfa-announces-xi-visit-2023", "date", "rferl-2023-03-17-xi-visit")
    assert (mfa["value"], mfa["certainty"]) == ("2023-03-17", "certain")
    assert "our inference" in mfa["note"]


def test_counts_appear_only_in_notes_of_their_source() -> None:
    counted = re.compile(r"\b(fourth|second|22|37th)\b[^.]*\bmeeting", re.I)
    by_source: dict[str, str] = {}
    for c in CLAIMS:
        if c["note"] and counted.search(c["note"]):
            assert "the count is the source's" in c["note"], c["id"]
            by_source[c["source_id"]] = c["event_id"]
    assert by_source == {
        "kremlin-2014-09-11-xi-meeting-dushanbe": "xi-putin-dushanbe-2014",
        "brics-post-2014-09-11-xi-putin-dushanbe": "xi-putin-dushanbe-2014",
        "china-daily-list-xi-putin-meetings-2017": "xi-putin-astana-2017",
        "scmp-2019-06-15-putin-gifts-xi": "xi-putin-dushanbe-2019",
        "tass-2021-12-15-xi-old-friend-putin": "putin-xi-video-call-2021",
    }
    for e in EVENTS.values():
        assert not counted.search(e["summary"]), e["id"]


# --------------------------------------------------------------------------- new events


#: id: "type status date place" ("-": no place)
NEW = {
    "sco-summit-dushanbe-2014": "multilateral_summit confirmed 2014-09-11/2014-09-12 dushanbe",
    "xi-putin-dushanbe-2014": "summit_sideline_meeting confirmed 2014-09-11 dushanbe",
    "russia-china-mongolia-dushanbe-2014": "trilateral_meeting confirmed 2014-09-11 dushanbe",
    "xi-putin-lima-2016": "summit_sideline_meeting confirmed 2016-11-19 lima",
    "xi-putin-astana-2017": "summit_sideline_meeting confirmed 2017-06-08 astana",
    "xi-putin-buenos-aires-2018": "summit_sideline_meeting confirmed 2018-11-30 buenos-aires",
    "russia-india-china-buenos-aires-2018": "trilateral_meeting confirmed 2018-11-30? buenos-aires",
    "putin-xi-belt-road-forum-2019": "summit_sideline_meeting confirmed 2019-04-26? beijing",
    "xi-putin-dushanbe-2019": "summit_sideline_meeting confirmed 2019-06-15 dushanbe",
    "xi-putin-brasilia-2019": "summit_sideline_meeting planned 2019-11-13 brasilia",
    "putin-xi-video-call-2021-06": "video_call confirmed 2021-06-28 -",
    "putin-visit-china-2022": "visit confirmed 2022-02-04 beijing",
    "putin-xi-video-call-2022": "video_call confirmed 2022-12-30 -",
    "putin-xi-video-call-2025": "video_call confirmed 2025-01-21 -",
    "putin-xi-phone-call-2025-02": "phone_call confirmed 2025-02-24 -",
    "xi-visit-russia-2025": "state_visit confirmed 2025-05-07/2025-05-10 moscow",
    "xi-moscow-victory-parade-2025": "visit confirmed 2025-05-09 moscow",
    "putin-xi-phone-call-2025-06": "phone_call confirmed 2025-06-19 -",
    "putin-xi-phone-call-2025-08": "phone_call confirmed 2025-08-08 -",
    "putin-visit-china-2025": "official_visit confirmed 2025-08-31/2025-09-03 beijing",
    "sco-summit-tianjin-2025": "multilateral_summit confirmed 2025-08-31/2025-09-01 tianjin",
    "russia-china-mongolia-beijing-2025": "trilateral_meeting confirmed 2025-09-02 beijing",
    "putin-beijing-victory-parade-2025": "visit confirmed 2025-09-03 beijing",
    "putin-xi-video-call-2026": "video_call confirmed 2026-02-04 -",
    "putin-visit-china-2026": "visit confirmed 2026-05-19?/2026-05-20 beijing",
    "joint-statement-beijing-2026": "joint_statement confirmed 2026-05-20? beijing",
}


@pytest.mark.parametrize("event", sorted(NEW))
def test_new_event(event: str) -> None:
    e = EVENTS[event]
    got = (e["type"], e["status"], e["date"], e["place_id"] or "-")
    assert " ".join(got) == NEW[event]


def test_xi_2025_visit_records_both_designations() -> None:
    ev = "xi-visit-russia-2025"
    types = {(c["source_id"], c["value"], c["stance"]) for c in claims(ev, "type")}
    assert ("newsdrum-2025-05-04-xi-russia-visit", "official_visit", "contradicts") in types
    assert ("trk-news-putin-xi-joint-statement-2025", "official_visit", "contradicts") in types
    assert ("ukrainska-pravda-2025-05-04-xi-state-visit", "state_visit", "supports") in types


def test_plans_are_announcements_only() -> None:
    """A source the registry marks (plan) supports an announcement, never the event."""
    plans = {
        "rg-2014-09-11-putin-dushanbe": {"sco-summit-dushanbe-2014"},  # arrived: under way
        "tass-2016-11-18-putin-lima-meetings": set(),
        "vestnik-kavkaza-putin-buenos-aires-2018": set(),
        "tass-2019-04-25-putin-arrives-beijing": set(),
        "al-manar-brics-brasilia-2019": set(),
        "news-front-2019-11-13-putin-brasilia": set(),
        "manila-bulletin-2026-05-17-putin-beijing-trip": set(),
    }
    for c in CLAIMS:
        if c["source_id"] in plans and c["event_id"] not in plans[c["source_id"]]:
            assert c["mode"] == "announced", c["id"]


def test_dataset_description_covers_the_years() -> None:
    years = sorted({e["date"][:4] for e in EVENTS.values()})
    assert (years[0], years[-1]) == ("2013", "2026")
    assert "March 2013 to May 2026" in DS.descriptor["description"]


# --------------------------------------------------------------------------- registry


def _shared() -> Path:
    where = Path(os.environ.get("CHRONO_SHARED_SOURCES", SHARED_SOURCES))
    if not (where / "registry.md").is_file():
        pytest.skip(f"no source registry at {where} (set CHRONO_SHARED_SOURCES)")
    return where


def test_every_source_is_in_the_registry() -> None:
    registry = (_shared() / "registry.md").read_text(encoding="utf-8")
    flat = " ".join(registry.split())
    for src in SOURCES.values():
        bare = re.sub(r"^https?://", "", src["url"])
        assert bare in registry, src["id"]
        if src["title"] is not None:
            assert src["title"] in flat, src["id"]


def test_valid_strict_with_quotes_checked() -> None:
    report = validate(BUNDLED, sources=_shared())
    assert report.fatal is None and report.counts == {"error": 0, "warning": 0}
    assert report.results == {} and report.notes == []


def test_frictionless_finds_the_bundled_package_valid() -> None:
    """As docs/data-model.md says: valid for the Frictionless tools, but for the byte
    counts their Parquet reader does not take (chrono validate checks sizes and sha256)."""
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(BUNDLED / "datapackage.json"), skip_errors=["byte-count"])
    notes = [note for (note,) in report.flatten(["note"])]
    if notes and all("frictionless[parquet]" in note for note in notes):
        pytest.skip("this frictionless reads Parquet only with its parquet extra")
    assert report.valid, report.flatten(["type", "note"])
