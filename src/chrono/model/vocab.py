"""Controlled vocabularies. Each term maps to its one-line definition (docs/data-model.md)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

Vocabulary = Mapping[str, str]


def _v(**terms: str) -> Vocabulary:
    return MappingProxyType(dict(terms))


EVENT_TYPE: Final = _v(
    state_visit="A head of state's visit announced as a state visit (highest protocol rank).",
    official_visit="A visit announced as an official visit.",
    working_visit="A visit announced as a working visit.",
    visit="A visit whose kind the sources do not state.",
    bilateral_meeting="A meeting of the two leaders that is not part of a visit record.",
    summit_sideline_meeting="A bilateral meeting held at a multilateral summit (its parent).",
    trilateral_meeting="A meeting of three leaders.",
    multilateral_summit="A summit of several states or an organisation (SCO, BRICS, G20...).",
    joint_statement="A joint statement or declaration signed or issued by the leaders.",
    video_call="Talks held by video link.",
    phone_call="Talks held by telephone.",
    announcement="A public announcement of a future event.",
    policy_paper="A published policy or position document.",
    military_action="A military operation.",
    press_statement="Remarks or a statement to the press by an official or spokesperson.",
)
STATUS: Final = _v(
    confirmed="Sources report that the event took place as recorded.",
    disputed="Sources disagree on a fact that the event's own dates or kind depend on.",
    planned="Announced, not yet reported as having taken place.",
    cancelled="Announced, then reported as cancelled.",
)
SOURCE_KIND: Final = _v(
    news_report="An article by a news organisation or agency.",
    official_statement="A statement or page published by a government body.",
    document_text="The text of a document itself (a joint statement, a treaty).",
)
ACTOR_KIND: Final = _v(
    person="A person.",
    state="A sovereign state.",
    organisation="An organisation, ministry or other body.",
)
ROLE: Final = _v(
    host="Receives the visit or hosts the meeting.",
    guest="Visits or is received.",
    participant="Takes part, with no host or guest role.",
    signatory="Signs or issues a statement or document.",
    announcer="Announces the event.",
    spokesperson="Speaks for a government or body.",
    author="Authors or publishes a document.",
    initiator="Starts a military action.",
    target="Is the object of a military action.",
)
PROPERTY: Final = _v(
    occurrence="The event took place (or, announced, will take place).",
    date="When: an EDTF value at the source's own precision.",
    place="Where: a place id.",
    participants="Who: actor ids separated by ';', sorted.",
    type="What kind: an event_type term.",
    title="The name the source gives the event.",
)
STANCE: Final = _v(
    supports="The claim agrees with the event record.",
    contradicts="The claim disagrees with the event record (recorded, not hidden).",
)
MODE: Final = _v(
    reported="The source reports the event as having happened.",
    announced="The source describes the event as future, at its publication date.",
    ongoing="The source reports the event as under way: begun, not ended, when it was published.",
)
CERTAINTY: Final = _v(
    certain="The source states the fact plainly.",
    uncertain="The fact is weaker (the source registry marks it partial).",
)
PRECISION: Final = _v(
    day="The bounds are known to the day.",
    month="Known to the month.",
    season="Known to a season or quarter (EDTF level 1 seasons).",
    year="Known to the year.",
    decade="Known to the decade.",
    century="Known to the century.",
    millennium="Known to the millennium (EDTF 1XXX).",
    unknown="Not known even to the millennium (EDTF XXXX: some year 0000-9999).",
)
#: Precision names from finest to coarsest; rank = position.
PRECISION_ORDER: Final = tuple(PRECISION)
CALENDAR: Final = _v(
    gregorian="The value is a date of the Gregorian calendar (proleptic before 1582).",
    julian="The value is a Julian-calendar date, as the source gives it; its derived bounds "
    "are the same days in the proleptic Gregorian calendar.",
)

VOCABULARIES: Final[Mapping[str, Vocabulary]] = MappingProxyType(
    {
        "event_type": EVENT_TYPE,
        "status": STATUS,
        "source_kind": SOURCE_KIND,
        "actor_kind": ACTOR_KIND,
        "role": ROLE,
        "property": PROPERTY,
        "stance": STANCE,
        "mode": MODE,
        "certainty": CERTAINTY,
        "precision": PRECISION,
        "calendar": CALENDAR,
    }
)

#: Vocabularies a dataset may extend with terms of its own (dataset.yaml ``vocabularies``).
#: The others are closed: the validation rules give each of their terms a meaning.
EXTENSIBLE: Final = frozenset({"event_type", "role", "actor_kind", "source_kind", "property"})
#: Why each closed vocabulary is closed (the message a declaration gets).
CLOSED_BECAUSE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "status": "the rules read confirmed, disputed, planned and cancelled",
        "stance": "the provenance rules read supports and contradicts",
        "mode": "the publication-date rules read reported, announced and ongoing",
        "certainty": "it records what the source registry marks partial",
        "precision": "it is derived from the EDTF value, never written",
        "calendar": "the date derivation knows only these calendars",
    }
)
