"""Settlements as finance reads them: JSON with decimals as strings, or CSV."""

import io
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from billing.domain.settlement import MunicipalityLine, Settlement
from svu_shared import csv_cells

ORE = Decimal("0.01")
AVERAGE_PLACES = Decimal("0.001")


def sek(value: Decimal) -> str:
    return str(value.quantize(ORE, ROUND_HALF_UP))


def line_dict(line: MunicipalityLine) -> dict[str, Any]:
    return {
        "municipality": line.municipality,
        "stays": line.stays,
        "ready_days": line.ready_days,
        "average_days": str(line.average_days.quantize(AVERAGE_PLACES, ROUND_HALF_UP)),
        "billable_days": sek(line.billable_days),
        "day_amount_sek": sek(line.day_amount_sek),
        "amount_sek": sek(line.amount_sek),
        "long_stays": [
            {
                "stay_id": ls.stay_id,
                "ready_days": ls.ready_days,
                "billable_days": sek(ls.billable_days),
                "amount_sek": sek(ls.amount_sek),
            }
            for ls in line.long_stays
        ],
    }


def settlement_dict(settlement: Settlement) -> dict[str, Any]:
    return {
        "agreement": settlement.agreement,
        "period": str(settlement.period),
        "municipalities": [line_dict(line) for line in settlement.municipalities],
        "anomalies": [{"stay_id": a.stay_id, "reason": a.reason} for a in settlement.anomalies],
    }


def settlement_json(settlement: Settlement) -> str:
    return json.dumps(settlement_dict(settlement), indent=2, ensure_ascii=False) + "\n"


SETTLEMENT_CSV_COLUMNS = [
    "line",
    "municipality",
    "stay_id",
    "stays",
    "ready_days",
    "average_days",
    "billable_days",
    "day_amount_sek",
    "amount_sek",
    "reason",
]


def settlement_csv(settlement: Settlement) -> str:
    out = io.StringIO()
    writer = csv_cells.dict_writer(out, SETTLEMENT_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for line in settlement.municipalities:
        row = line_dict(line)
        long_stays = row.pop("long_stays")
        writer.writerow({"line": "municipality", **row})
        for ls in long_stays:
            writer.writerow({"line": "long_stay", "municipality": line.municipality, **ls})
    for anomaly in settlement.anomalies:
        writer.writerow({"line": "anomaly", "stay_id": anomaly.stay_id, "reason": anomaly.reason})
    return out.getvalue()


def comparison_dict(agreements: tuple[str, str], period: str, rows: list[dict]) -> dict[str, Any]:
    return {
        "agreements": list(agreements),
        "period": period,
        "municipalities": [
            {
                "municipality": r["municipality"],
                agreements[0]: line_dict(r["a"]) if r["a"] else None,
                agreements[1]: line_dict(r["b"]) if r["b"] else None,
                "difference_sek": sek(Decimal(r["difference_sek"])),
            }
            for r in rows
        ],
    }


def comparison_csv(agreements: tuple[str, str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv_cells.writer(out, lineterminator="\n")
    a, b = agreements
    writer.writerow(
        [
            "municipality",
            f"{a}_billable_days",
            f"{a}_amount_sek",
            f"{b}_billable_days",
            f"{b}_amount_sek",
            "difference_sek",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r["municipality"],
                sek(r["a"].billable_days) if r["a"] else "",
                sek(r["a"].amount_sek) if r["a"] else "",
                sek(r["b"].billable_days) if r["b"] else "",
                sek(r["b"].amount_sek) if r["b"] else "",
                sek(Decimal(r["difference_sek"])),
            ]
        )
    return out.getvalue()
