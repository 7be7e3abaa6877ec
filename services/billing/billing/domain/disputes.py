"""Disputes (bestrida, domain §4 and §5): a municipality contests a stay's days on an invoice of a month; finance
accepts, and the next run of the month credits that stay's amount, or rejects with a reason (ADR 0016).

One dispute of a stay's month is open at a time; once one is accepted the days are credited and none opens again;
after a rejection the municipality may dispute again with new reasons. Resolving is final."""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Literal

from svu_shared.rules import RuleBroken

Status = Literal["open", "accepted", "rejected"]


class DisputeRefused(RuleBroken):
    """The dispute cannot be opened or resolved now; the message names the rule."""


@dataclass(frozen=True)
class Step:
    """One step of a dispute's history: who (role and organisation) did what, when, and why."""

    step: str
    at: datetime
    by_role: str
    by_org: str
    reason: str | None


@dataclass(frozen=True)
class Dispute:
    dispute_id: str
    agreement: str
    period: str
    municipality: str
    stay_id: str
    invoice_id: str
    reason: str
    opened_by: str  # the user's subject, for the record; the history shows role and organisation
    opened_org: str
    opened_at: datetime
    status: Status = "open"
    resolved_by: str | None = None
    resolved_role: str | None = None
    resolved_org: str | None = None
    resolved_at: datetime | None = None
    resolution_reason: str | None = None
    credit_sek: Decimal | None = None  # accepted: what the next run credits for this stay, if nothing else changes

    @property
    def history(self) -> list[Step]:
        steps = [Step("opened", self.opened_at, "municipality", self.opened_org, self.reason)]
        if self.status != "open" and self.resolved_at is not None:
            steps.append(
                Step(
                    self.status,
                    self.resolved_at,
                    self.resolved_role or "",
                    self.resolved_org or "",
                    self.resolution_reason,
                )
            )
        return steps

    def require_open(self) -> None:
        if self.status != "open":
            raise DisputeRefused(f"dispute {self.dispute_id} is {self.status} already: a dispute is resolved once")

    def accepted(self, by: str, role: str, org: str, at: datetime, reason: str | None, credit: Decimal) -> "Dispute":
        self.require_open()
        return replace(
            self,
            status="accepted",
            resolved_by=by,
            resolved_role=role,
            resolved_org=org,
            resolved_at=at,
            resolution_reason=reason,
            credit_sek=credit,
        )

    def rejected(self, by: str, role: str, org: str, at: datetime, reason: str) -> "Dispute":
        self.require_open()
        return replace(
            self,
            status="rejected",
            resolved_by=by,
            resolved_role=role,
            resolved_org=org,
            resolved_at=at,
            resolution_reason=reason,
        )


def open_dispute(
    dispute_id: str,
    invoice: tuple[str, str, str, str],
    stay_id: str,
    billed_stays: set[str],
    earlier: list[Dispute],
    reason: str,
    by: tuple[str, str],
    at: datetime,
) -> Dispute:
    """`invoice`: (invoice id, agreement, period, municipality); `billed_stays`: the stays of the municipality on the
    month's latest run; `earlier`: the stay's disputes of the month under the agreement."""
    invoice_id, agreement, period, municipality = invoice
    if stay_id not in billed_stays:
        raise DisputeRefused(
            f"stay {stay_id} is not on the underlag of {municipality}'s {period} under {agreement}: only a billed "
            "stay's days can be disputed"
        )
    for other in earlier:
        if other.status == "open":
            raise DisputeRefused(f"stay {stay_id}'s {period} is disputed already (dispute {other.dispute_id}, open)")
        if other.status == "accepted":
            raise DisputeRefused(
                f"stay {stay_id}'s {period} was disputed and accepted (dispute {other.dispute_id}): "
                "its days are credited"
            )
    return Dispute(dispute_id, agreement, period, municipality, stay_id, invoice_id, reason.strip(), by[0], by[1], at)
