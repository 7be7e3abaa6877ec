"""What billing's routes ask FastAPI for beyond `svu_shared.deps` (ADR 0013): who may call, the month and the
agreement in a query, and an agreement that cannot settle as a 422 on the field that names it."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Query

from billing.domain.agreement import Agreement, AgreementError
from billing.domain.calendar import Month
from billing.entrypoints.schemas import PERIOD_PATTERN
from billing.service_layer import views
from svu_shared.auth import Principal
from svu_shared.deps import role
from svu_shared.errors import unprocessable

# Settlements, invoices and follow-up carry no clinical field: finance reads them, admin too (ADR 0011). One
# dependency, so a route of a FOR_FINANCE router that also asks for the caller checks the role once.
_finance = role("finance", "admin")
FOR_FINANCE = [Depends(_finance)]
# What a municipality sees of its own bills and of its stays' ready periods (disputes are settled on the events,
# domain §4; ADR 0016): finance and admin see every municipality's.
BillReader = Annotated[Principal, Depends(role("finance", "admin", "municipality"))]
# Who disputes (the municipality), who resolves (finance), who enters a day amount (finance, admin).
Disputer = Annotated[Principal, Depends(role("municipality"))]
Resolver = Annotated[Principal, Depends(role("finance"))]
DayAmountEditor = Annotated[Principal, Depends(_finance)]
KommunkodPath = Annotated[str, Path(pattern=r"^\d{4}$", description="Kommunkod (SCB)")]
# An invoice id is checked before it reaches a file or a header (the underlag's file name; ADR 0027): the id alphabet.
InvoiceIdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,100}$", description="Invoice id")]

Period = Annotated[str, Query(pattern=PERIOD_PATTERN, description="Settled month, YYYY-MM (Europe/Stockholm)")]
AgreementId = Annotated[str, Query(min_length=1, max_length=64, description="Agreement id, e.g. skane-2018")]


def agreement_named(agreement_id: str, where: str = "query") -> Agreement:
    """The agreement file, or a 422 on `agreement` naming what is wrong (unknown id, a broken file)."""
    try:
        return views.agreement(agreement_id)
    except AgreementError as exc:
        raise unprocessable((where, "agreement"), f"agreement: {exc}", agreement_id) from None


MAX_MONTHS = 36  # three years of trend; a longer period is several requests, not one unbounded scan (ADR 0025)


def bounded(first: str, last: str) -> None:
    """`from` no later than `to`, and at most MAX_MONTHS months: a 422 on `to` otherwise."""
    start, end = Month.parse(first), Month.parse(last)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months < 1:
        raise unprocessable(("query", "to"), "to must be the month of from or later")
    if months > MAX_MONTHS:
        raise unprocessable(("query", "to"), f"the period may span at most {MAX_MONTHS} months")


@contextmanager
def period_refused(where: str) -> Iterator[None]:
    """A month the agreement does not cover, or a year without a sourced day amount (domain §3.1 rule 6,
    ADR 0008): a 422 on `period` in the agreement's words."""
    try:
        yield
    except AgreementError as exc:
        raise unprocessable((where, "period"), str(exc)) from None


def stays_in(answer: Any) -> list[str]:
    """The stays an answer names (a settlement's long-stayers and anomalies, a specification's rows), for its one
    audit row (ADR 0024: billing's reads record the stays they return)."""
    found: list[str] = []
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key == "stay_id" and isinstance(value, str):
                found.append(value)
            elif key == "long_stays" and isinstance(value, list) and all(isinstance(v, str) for v in value):
                found.extend(value)
            else:
                found.extend(stays_in(value))
    elif isinstance(answer, list):
        for item in answer:
            found.extend(stays_in(item))
    return found


def own_municipality(caller: Principal) -> str | None:
    """The municipality a caller is limited to: its own kommunkod for a municipality, none for finance and admin."""
    return caller.org if caller.role == "municipality" else None


def require_own(caller: Principal, kommunkod: str) -> None:
    """Another municipality's bills are not shown to exist (ADR 0011): 404."""
    if caller.role == "municipality" and caller.org != kommunkod:
        raise HTTPException(404, f"billing has nothing of municipality {kommunkod} for you")
