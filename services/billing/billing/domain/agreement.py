"""An agreement on payment responsibility as data (domain §3.2): the engine has no rule constant of its own.

Agreement files live in services/billing/agreements/; `adapters/agreement_files.py` reads them into these types.
"""

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Literal

from svu_shared.rules import RuleBroken

MODELS = ("average", "individual")
BILLED_WHEN_OVER = ("days_above_threshold", "all_days")
ROUNDINGS = ("none", "floor", "ceil")
ELIGIBILITY = ("admission_notice", "discharge_ready", "sip_invitation")


class AgreementError(ValueError):
    """An agreement or day-amount table that cannot be used; the message names the field or year."""


class NotInForce(RuleBroken):
    """Only an agreement in force for the month issues invoices; a proposal (förslag) is computed and compared,
    never invoiced (domain §5, ADR 0016)."""


@dataclass(frozen=True)
class LongStayRule:
    """Stays with more ready days than `over_days` leave the average and are billed for their days beyond
    `bill_from_day` (the long-stayer proposal, domain §3.2)."""

    over_days: int
    bill_from_day: int


@dataclass(frozen=True)
class RuleSet:
    model: str
    day_boundary: time
    counting: str = "boundary_crossings"
    threshold_days: Decimal = Decimal("0")
    billed_when_over: str = "days_above_threshold"
    free_days: int = 0
    long_stay: LongStayRule | None = None
    eligibility: tuple[str, ...] = ("admission_notice", "discharge_ready")
    rounding: str = "none"

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("model", self.model, MODELS),
            ("rounding", self.rounding, ROUNDINGS),
            ("billed_when_over", self.billed_when_over, BILLED_WHEN_OVER),
            ("counting", self.counting, ("boundary_crossings", "notice_cutoff")),
        ):
            if value not in allowed:
                raise AgreementError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
        if time(2) <= self.day_boundary < time(3):
            # Stockholm skips or repeats this hour on DST dates: such a boundary would not be one instant a day
            # (the day count compares it with the wall clock, domain §3.1 rule 3, ADR 0019).
            raise AgreementError(f"day_boundary {self.day_boundary} is in the hour DST skips or repeats (02:00-03:00)")
        unknown = set(self.eligibility) - set(ELIGIBILITY)
        if unknown:
            raise AgreementError(f"eligibility names unknown notices: {', '.join(sorted(unknown))}")


@dataclass(frozen=True)
class Agreement:
    id: str
    valid_from: date
    valid_to: date | None
    source: str
    rules: RuleSet
    care_types: dict[str, RuleSet] = field(default_factory=dict)
    # In force (avtal, gäller från) from this date to `in_force_to`; None: a proposal. Not an input of a settlement,
    # so it is left out of the repr that keys stored runs (ADR 0008).
    in_force_from: date | None = field(default=None, repr=False)
    in_force_to: date | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.in_force_from is not None and not (
            self.covers(self.in_force_from) and (self.in_force_to is None or self.covers(self.in_force_to))
        ):
            raise AgreementError(f"agreement {self.id}: the period in force must lie inside its validity")

    @property
    def status(self) -> Literal["in_force", "proposal"]:
        return "proposal" if self.in_force_from is None else "in_force"

    def rules_for(self, care_type: str) -> RuleSet:
        return self.care_types.get(care_type, self.rules)

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def in_force_on(self, day: date) -> bool:
        return (
            self.in_force_from is not None
            and self.in_force_from <= day
            and (self.in_force_to is None or day <= self.in_force_to)
        )

    def require_in_force(self, first_day: date, period: str) -> None:
        """Before anything is invoiced under the agreement for the month starting `first_day`."""
        if self.in_force_from is None:
            raise NotInForce(
                f"agreement {self.id} is a proposal (förslag): it can be settled and compared, never invoiced; "
                "invoices are issued only under an agreement in force for the month"
            )
        if not self.in_force_on(first_day):
            raise NotInForce(
                f"agreement {self.id} is in force {self.in_force_from}..{self.in_force_to or ''}, not for {period}: "
                "invoices are issued only under an agreement in force for the month"
            )


@dataclass(frozen=True)
class DayAmounts:
    """Socialstyrelsen's national amount per vårddygn, by year; only sourced amounts (domain §3.1 rule 6)."""

    by_year: dict[int, Decimal]

    def for_year(self, year: int) -> Decimal:
        try:
            return self.by_year[year]
        except KeyError:
            known = ", ".join(str(y) for y in sorted(self.by_year))
            raise AgreementError(
                f"no sourced day amount for {year}: add Socialstyrelsen's amount for {year} to the day-amount "
                f"table (years with an amount: {known})"
            ) from None
