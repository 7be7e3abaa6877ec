"""Settlements as finance reads them: JSON with decimals as strings, or CSV."""

import functools
import io
import json
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
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
    return indented_json(settlement_dict(settlement)) + "\n"


def indented_json(value: Any, level: int = 0) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, the same text, with the C encoder's parts: with an indent,
    `json` encodes in pure Python, about 18 ms for a month's 4,300 long stays under the long-stayer proposal."""
    pad = "\n" + "  " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        parts = []
        for k, v in value.items():
            if type(k) is not str:  # a key json would convert: its own encoder, indented to this level
                return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * level)
            parts.append(f"{encode_basestring(k)}: {_item(v, level)}")
        return "{" + pad + ("," + pad).join(parts) + pad[:-2] + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        if all(type(v) is dict for v in value):
            # A list of objects (long stays, anomalies): one C call, with the objects' item separator; a `}`, a
            # comma, a newline and a `{` are then the boundary between two objects (a string holds no newline
            # unescaped). Any object holding another is written item by item below.
            encode, inner = _flat_encoder(level + 1)
            text = "".join(encode(value, 0))
            if "[" not in text[1:-1] and text.count("{") == len(value) and "{}" not in text:
                between = text[2:-2].replace("}," + inner + "{", pad + "}," + pad + "{" + inner)
                return "[" + pad + "{" + inner + between + pad + "}" + pad[:-2] + "]"
        return "[" + pad + ("," + pad).join(_item(v, level) for v in value) + pad[:-2] + "]"
    return _item(value, level - 1)


def _item(value: Any, level: int) -> str:
    """An item of an object or list at `level`."""
    if type(value) is str:
        return encode_basestring(value)  # type: ignore[no-any-return]
    if type(value) is int:
        return int.__repr__(value)  # as json writes an int
    if isinstance(value, dict | list | tuple):
        return indented_json(value, level + 1)
    return "".join(_flat_encoder(level)[0](value, 0))


_SCALAR = json.JSONEncoder(ensure_ascii=False)


@functools.cache
def _flat_encoder(level: int) -> tuple[Callable[[Any, int], Iterable[str]], str]:
    """The C encoder of an object or list at `level` holding no other (`json.encoder.c_make_encoder`, made once, as
    `JSONEncoder` makes it for each call), and the newline and indent of its items."""
    pad = "\n" + "  " * (level + 1)
    assert c_make_encoder is not None
    return c_make_encoder(None, _SCALAR.default, encode_basestring, None, ": ", "," + pad, False, False, True), pad


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
