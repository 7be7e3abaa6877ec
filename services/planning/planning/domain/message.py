"""The messages of a stay (domain §2, §5): every event about it, and the free-text meddelanden its parties write.

A party of a stay is the ward side (any ward the stay has been on acts for inpatient care), the municipality and
the vårdcentral, each an organisation. A message has a sender (a party, or unknown for a message kept before
ADR 0014) and goes to every party or to one. A party sees the messages to all, to it and its own; it reads
(acknowledges, kvittens) those of the others, once per organisation, recording the person; its own messages are
never unread for it. Each user sees which messages arrived since they last opened the stay (ADR 0014).
"""

from dataclasses import dataclass
from datetime import datetime

from planning.domain.kinds import PlanRuleBroken

TEXT_MAX_LENGTH = 2000
PARTY_NOUNS = {"ward": "ward", "municipality": "municipality", "primary_care": "vårdcentral"}


@dataclass(frozen=True)
class Party:
    """A party of a stay: the caller's role and organisation."""

    kind: str
    org: str

    def is_(self, kind: str | None, org: str | None) -> bool:
        """Whether (kind, org) names this party: for the ward side the kind alone (a transfer keeps the party)."""
        return kind == self.kind and (self.kind == "ward" or org == self.org)


@dataclass(frozen=True)
class Header:
    """Who sent a message, to whom, and when it reached planning."""

    message_id: str
    sender_role: str | None
    sender_org: str | None
    to_role: str | None
    to_org: str | None
    received_at: datetime

    def sent_by(self, party: Party) -> bool:
        return party.is_(self.sender_role, self.sender_org)

    def seen_by(self, party: Party) -> bool:
        return self.to_role is None or self.sent_by(party) or party.is_(self.to_role, self.to_org)

    def is_new(self, party: Party, since: datetime | None) -> bool:
        """New for a user of `party` who last opened the stay at `since` (None: never): arrived after, not own."""
        return self.seen_by(party) and not self.sent_by(party) and (since is None or self.received_at > since)

    def check_acknowledgeable(self, party: Party) -> None:
        """Kvittens is the receiver's: a party does not acknowledge its own message (404 for one it cannot see is
        the caller's, ADR 0011)."""
        if self.sent_by(party):
            raise PlanRuleBroken(
                f"message {self.message_id} was sent by the {PARTY_NOUNS[party.kind]} itself: kvittens is given by the "
                "parties that receive a message"
            )


@dataclass(frozen=True)
class Meddelande:
    """A free-text message from a party to every party (`to` None) or to one."""

    stay_id: str
    text: str
    sender: Party
    sender_subject: str
    to: Party | None
    sent_at: datetime


def addressed(
    stay_id: str,
    stay_parties: dict[str, str | None],
    sender: Party,
    to: str | None,
    text: str,
    subject: str,
    at: datetime,
    cancelled: bool = False,
) -> Meddelande:
    """A meddelande from `sender` to the stay's party `to` (None: all). `stay_parties` is the stay's organisation
    of each party kind now (the ward that has it, the municipality, the vårdcentral or None)."""
    if cancelled:
        raise PlanRuleBroken(f"stay {stay_id} was cancelled (makulerad): there is no process to write about")
    text = text.strip()
    if not text:
        raise PlanRuleBroken("a message (meddelande) has text")
    if len(text) > TEXT_MAX_LENGTH:
        raise PlanRuleBroken(f"a message (meddelande) is at most {TEXT_MAX_LENGTH} characters")
    if to is None:
        return Meddelande(stay_id, text, sender, subject, None, at)
    if to == sender.kind:
        raise PlanRuleBroken(f"a message goes to another party of the stay, not to the {PARTY_NOUNS[to]} itself")
    org = stay_parties.get(to)
    if org is None:
        raise PlanRuleBroken(f"the stay has no {PARTY_NOUNS[to]} to write to (the notice names none)")
    return Meddelande(stay_id, text, sender, subject, Party(to, org), at)


@dataclass(frozen=True)
class WardAcknowledgement:
    """Kvittens by the ward side (once per message), by the person for the ward that has the stay."""

    message_id: str
    care_unit: str
    acknowledged_at: datetime
    acknowledged_by: str
