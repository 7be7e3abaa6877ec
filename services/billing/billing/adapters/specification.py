"""The invoice specification (underlag): per stay, its ready periods, the days counted and the event ids
behind them, so every öre can be traced to the event log. CSV for systems, PDF for people. A period opened by a
backdated notice is marked with when the server received the notice and the ward's reason; a period cut by a move
or an interruption, and a stay whose disputed days were credited, say so in `note` (ADR 0016)."""

import io
from typing import Any

from billing.adapters.repository import StoredInvoice
from billing.domain.cohort import CountedStay
from svu_shared import csv_cells

SPEC_COLUMNS = [
    "stay_id",
    "municipality",
    "care_type",
    "ready_opened_at",
    "ready_closed_at",
    "days",
    "opened_by_event",
    "closed_by_event",
    "stay_ready_days",
    "stay_event_ids",
    "backdated",
    "notice_received_at",
    "backdating_reason",
    "note",
]


def _stay_note(stay: CountedStay) -> str:
    if stay.credited_by is None:
        return ""
    return f"dispute {stay.credited_by} accepted: the stay's {stay.credited_days} ready days are credited"


def specification_rows(stays: tuple[CountedStay, ...]) -> list[dict[str, Any]]:
    rows = []
    for stay in stays:
        for period in stay.periods or ():
            rows.append(
                {
                    "stay_id": stay.stay_id,
                    "municipality": stay.municipality,
                    "care_type": stay.care_type,
                    "ready_opened_at": period.opened_at.isoformat(),
                    "ready_closed_at": period.closed_at.isoformat(),
                    "days": period.days,
                    "opened_by_event": period.opened_by,
                    "closed_by_event": period.closed_by or "",
                    "stay_ready_days": stay.ready_days,
                    "stay_event_ids": " ".join(stay.event_ids),
                    "backdated": "yes" if period.backdated_from else "",
                    "notice_received_at": period.backdated_from.isoformat() if period.backdated_from else "",
                    "backdating_reason": period.backdating_reason or "",
                    "note": "; ".join(n for n in (period.note, _stay_note(stay)) if n),
                }
            )
    return rows


def specification_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv_cells.dict_writer(out, SPEC_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def invoice_pdf(invoice: StoredInvoice, rows: list[dict[str, Any]]) -> bytes:
    """The underlag of one invoice as a PDF: what the invoice is, then its rows."""
    summary = [
        ("Invoice", invoice.invoice_id),
        ("Kind", invoice.kind),
        ("Municipality", invoice.municipality),
        ("Agreement", invoice.agreement),
        ("Period", invoice.period),
        ("Amount (SEK)", invoice.amount_sek),
        ("Corrects", invoice.corrects_invoice_id or "-"),
    ]
    return specification_pdf(f"Underlag betalningsansvar {invoice.period} – {invoice.municipality}", summary, rows)


def specification_pdf(title: str, summary: list[tuple[str, str]], rows: list[dict[str, Any]]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    # invariant=1: no timestamp or random id in the file, so the same underlag gives the same bytes.
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title, invariant=1)
    styles = getSampleStyleSheet()
    story: list[Any] = [Paragraph(title, styles["Title"])]
    story.append(Table([[k, v] for k, v in summary], hAlign="LEFT"))
    story.append(Spacer(1, 12))
    header = ["Stay", "Ready from", "Ready until", "Days", "Opened by event", "Closed by event", "Note"]
    note_style = styles["BodyText"].clone("note", fontSize=7, leading=8)
    body = [
        [
            r["stay_id"],
            r["ready_opened_at"],
            r["ready_closed_at"],
            str(r["days"]),
            r["opened_by_event"],
            r["closed_by_event"],
            Paragraph(_escape(pdf_note(r)), note_style),
        ]
        for r in rows
    ]
    table = Table([header, *body], repeatRows=1, colWidths=[None] * 6 + [200])
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 7),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return buffer.getvalue()


def pdf_note(row: dict[str, Any]) -> str:
    """What a person must see beside a line: a backdated notice (in words, not a mark alone) and any note."""
    parts = []
    if row.get("backdated"):
        parts.append(
            f"BAKDATERAD / backdated: sent {row['ready_opened_at']}, received {row['notice_received_at']}: "
            f"{row['backdating_reason']}"
        )
    if row.get("note"):
        parts.append(row["note"])
    return "; ".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
