"""Reads agreement files and the day-amount table (TOML) into the domain's types."""

import re
import tomllib
from datetime import date, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from billing.domain.agreement import Agreement, AgreementError, DayAmounts, LongStayRule, RuleSet
from billing.domain.day_amounts import DayAmountEntry

AGREEMENTS_DIR = Path(__file__).resolve().parent.parent / "agreements"
DAY_AMOUNTS_FILE = AGREEMENTS_DIR / "day-amounts.toml"
# An agreement id is a file's stem: lowercase letters, digits and hyphens (ADR 0016).
AGREEMENT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def available_agreements(directory: Path = AGREEMENTS_DIR) -> list[str]:
    return sorted(
        p.stem for p in directory.glob("*.toml") if p.stem != "day-amounts" and AGREEMENT_ID.fullmatch(p.stem)
    )


def load_agreement(agreement_id: str, directory: Path = AGREEMENTS_DIR) -> Agreement:
    """The agreement of that id. The id is checked against the known agreements before any path is made of it, so
    no input reaches the file system (`../../x` is an unknown agreement, like any other)."""
    known = available_agreements(directory)
    if agreement_id not in known:
        raise AgreementError(
            f"unknown agreement {agreement_id!r}: an agreement id must be one of the known agreements, checked before "
            f"any file is read; known: {', '.join(known)}"
        )
    path = directory / f"{agreement_id}.toml"
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
            in_force_from=_date(data["in_force_from"]) if "in_force_from" in data else None,
            in_force_to=_date(data["in_force_to"]) if "in_force_to" in data else None,
        )
    except KeyError as exc:
        raise AgreementError(f"{path.name}: missing field {exc.args[0]}") from None


def load_day_amounts(path: Path = DAY_AMOUNTS_FILE) -> DayAmounts:
    return DayAmounts({e.year: e.amount_sek for e in day_amount_entries(path)})


def day_amount_entries(path: Path = DAY_AMOUNTS_FILE) -> list[DayAmountEntry]:
    """The packaged amounts with their sources."""
    data = tomllib.loads(path.read_text())
    try:
        return [
            DayAmountEntry(int(year), Decimal(entry["amount"]), str(entry.get("source", "")).strip())
            for year, entry in data.items()
        ]
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
