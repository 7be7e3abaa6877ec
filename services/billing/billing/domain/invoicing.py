"""Invoices and corrections (domain §3, ADR 0008). Issued documents are never changed: when a later run of
the same month gives another amount, the difference is a debit or credit note against the first invoice."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

DocumentKind = Literal["invoice", "debit", "credit"]


@dataclass(frozen=True)
class IssuedDocument:
    invoice_id: str
    municipality: str
    kind: DocumentKind
    amount_sek: Decimal
    corrects_invoice_id: str | None = None


def documents_to_issue(
    agreement: str, period: str, owed: dict[str, Decimal], issued: list[IssuedDocument]
) -> list[IssuedDocument]:
    """What a settlement run must issue so that, per municipality, the issued documents add up to what is owed."""
    new: list[IssuedDocument] = []
    for municipality in sorted(set(owed) | {d.municipality for d in issued}):
        mine = [d for d in issued if d.municipality == municipality]
        amount = owed.get(municipality, Decimal("0.00"))
        number = len(mine) + 1
        invoice_id = f"INV-{agreement}-{period}-{municipality}-{number}"
        first = next((d for d in mine if d.kind == "invoice"), None)
        if first is None:
            if amount != 0:
                new.append(IssuedDocument(invoice_id, municipality, "invoice", amount))
            continue
        difference = amount - sum((d.amount_sek for d in mine), Decimal(0))
        if difference != 0:
            kind: DocumentKind = "debit" if difference > 0 else "credit"
            new.append(IssuedDocument(invoice_id, municipality, kind, difference, first.invoice_id))
    return new
