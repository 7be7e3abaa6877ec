"""The words planning's domain modules share: a stay's status, the kinds of planning record, a rule error, and an
item of what is due. Kept apart so the stay, its cases, its messages and its due lists can each have a module."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from svu_shared.rules import RuleBroken

Record = dict[str, Any]
PartyKind = Literal["ward", "municipality", "primary_care"]  # the parties of a stay (domain §1)


class PlanRuleBroken(RuleBroken):
    pass


class StayStatus(StrEnum):
    ADMITTED = "admitted"
    DISCHARGE_READY = "discharge_ready"
    DISCHARGED = "discharged"
    CANCELLED = "cancelled"


class RecordKind(StrEnum):
    CARE_CONTACT = "care_contact"  # fast vårdkontakt
    ASSESSMENT = "assessment"  # kartläggning
    MUNICIPALITY_INPUT = "municipality_input"  # planeringsunderlag from the municipality
    PRIMARY_CARE_INPUT = "primary_care_input"  # planeringsunderlag from the vårdcentral
    SIP_DECISION = "sip_decision"  # ställningstagande till SIP
    SIP_INVITATION = "sip_invitation"  # kallelse till SIP
    SIP = "sip"  # samordnad individuell plan
    RECEIVING_DECISION = "receiving_decision"  # ställningstagande inför utskrivning


@dataclass(frozen=True)
class DueItem:
    what: str
    due_at: datetime | None  # None: due, without a date in law ("promptly", "before discharge")
    overdue: bool
    owed_by: PartyKind | None = None
    words: str = ""  # the item as staff read it, state in words (domain §5: förfallen, not colour alone)
