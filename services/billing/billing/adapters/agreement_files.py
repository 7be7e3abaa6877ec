"""Reads agreement files and the day-amount table (TOML) into the domain's types."""

import tomllib
from datetime import date, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from billing.domain.agreement import Agreement, AgreementError, DayAmounts, LongStayRule, RuleSet

AGREEMENTS_DIR = Path(__file__).resolve().parent.parent / "agreements"
DAY_AMOUNTS_FILE = AGREEMENTS_DIR / "day-amounts.toml"


def available_agreements(directory: Path = AGREEMENTS_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.toml") if p.stem != "day-amounts")


def load_agreement(agreement_id: str, directory: Path = AGREEMENTS_DIR) -> Agreement:
    path = directory / f"{agreement_id}.toml"
    if agreement_id == "day-amounts" or not path.is_file():
        raise AgreementError(f"unknown agreement {agreement_id!r}; known: {', '.join(available_agreements(directory))}")
    data = tomllib.loads(path.read_text())
    try:
        if data["id"] != agreement_id:
            raise AgreementError(f"{path.name}: id {data['id']!r} does not match the file name")
        rules = _rule_set(data["rules"])
        care_types = {name: _rule_set({**data["rules"], **over}) for name, over in data.get("care_types", {}).items()}
        return Agreement(
            id=data["id"],
            valid_from=_date(data["valid_from"]),
            valid_to=_date(data["valid_to"]) if "valid_to" in data else None,
            source=data["source"].strip(),
            rules=rules,
            care_types=care_types,
        )
    except KeyError as exc:
        raise AgreementError(f"{path.name}: missing field {exc.args[0]}") from None


def load_day_amounts(path: Path = DAY_AMOUNTS_FILE) -> DayAmounts:
    data = tomllib.loads(path.read_text())
    try:
        return DayAmounts({int(year): Decimal(entry["amount"]) for year, entry in data.items()})
    except (KeyError, ValueError, InvalidOperation) as exc:
        raise AgreementError(f'{path.name}: each year needs amount = "<SEK>" ({exc})') from None


def _rule_set(raw: dict[str, Any]) -> RuleSet:
    long_stay = raw.get("long_stay")
    return RuleSet(
        model=raw["model"],
        day_boundary=time.fromisoformat(raw["day_boundary"]),
        counting=raw.get("counting", "boundary_crossings"),
        threshold_days=Decimal(raw.get("threshold_days", "0")),
        billed_when_over=raw.get("billed_when_over", "days_above_threshold"),
        free_days=int(raw.get("free_days", 0)),
        long_stay=LongStayRule(int(long_stay["over_days"]), int(long_stay["bill_from_day"])) if long_stay else None,
        eligibility=tuple(raw.get("eligibility", ("admission_notice", "discharge_ready"))),
        rounding=raw.get("rounding", "none"),
    )


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
