"""ADR 0016: the rules of disputes (bestrida), of agreements in force, of day amounts entered through the API, and of
agreement ids (never a path). Crediting a disputed stay's days never raises what the month owes (hypothesis)."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.adapters.agreement_files import available_agreements, day_amount_entries, load_agreement
from billing.domain.agreement import AgreementError, DayAmounts, NotInForce
from billing.domain.calendar import Month
from billing.domain.cohort import CountedStay, credit
from billing.domain.day_amounts import DayAmountKnown, day_amounts, new_day_amount
from billing.domain.disputes import DisputeRefused, open_dispute
from billing.domain.settlement import settle_group
from svu_shared.rules import RuleBroken

NOW = datetime(2022, 4, 10, 9, tzinfo=UTC)
INVOICE = ("INV-skane-2018-2022-03-1290-1", "skane-2018", "2022-03", "1290")


def dispute(stay: str = "k3", earlier=(), billed=frozenset({"k3", "long"})):  # type: ignore[no-untyped-def]
    return open_dispute("D-000000000001", INVOICE, stay, set(billed), list(earlier), " no notice ", ("u1", "1290"), NOW)


def test_a_dispute_opens_on_a_billed_stay_once_and_is_resolved_once():
    opened = dispute()
    assert (opened.status, opened.reason, opened.period, opened.municipality) == (
        "open",
        "no notice",
        "2022-03",
        "1290",
    )
    assert [s.step for s in opened.history] == ["opened"]
    with pytest.raises(DisputeRefused, match="not on the underlag of 1290's 2022-03"):
        dispute("lund")
    with pytest.raises(DisputeRefused, match="disputed already"):
        dispute(earlier=[opened])
    accepted = opened.accepted("u2", "finance", "SE-EKONOMI", NOW, None, Decimal("18600.00"))
    assert isinstance(DisputeRefused("x"), RuleBroken)
    with pytest.raises(DisputeRefused, match="its days are credited"):
        dispute(earlier=[accepted])
    with pytest.raises(DisputeRefused, match="is accepted already"):
        accepted.rejected("u2", "finance", "SE-EKONOMI", NOW, "r")
    rejected = opened.rejected("u2", "finance", "SE-EKONOMI", NOW, "kvitterad")
    assert [(s.step, s.by_role, s.reason) for s in rejected.history] == [
        ("opened", "municipality", "no notice"),
        ("rejected", "finance", "kvitterad"),
    ]
    assert dispute(earlier=[rejected]).status == "open"  # new reasons after a rejection


def stays(days: list[int]) -> list[CountedStay]:
    return [CountedStay(f"s{i}", "1290", "somatic", d, (), ()) for i, d in enumerate(days)]


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=25), st.data())
def test_crediting_a_stay_never_raises_the_amount_and_keeps_it_one_of_n(days, data):
    """Whatever the agreement's model, a credited stay counts with no days and stays one of N (ADR 0016)."""
    chosen = data.draw(st.sampled_from(available_agreements()))
    rules = load_agreement(chosen).rules
    picked = data.draw(st.integers(min_value=0, max_value=len(days) - 1))
    before = settle_group("1290", stays(days), rules, Decimal("9300"))
    credited = [credit(s, {("s" + str(picked), "1290"): "D-1"}) for s in stays(days)]
    after = settle_group("1290", credited, rules, Decimal("9300"))
    assert after.stays == before.stays and after.amount_sek <= before.amount_sek
    assert credited[picked].ready_days == 0 and credited[picked].credited_days == days[picked]


def test_only_an_agreement_in_force_for_the_month_invoices():
    skane = load_agreement("skane-2018")
    assert (skane.status, skane.in_force_from) == ("in_force", Month(2018, 1).first_day)
    skane.require_in_force(Month(2022, 3).first_day, "2022-03")
    for proposal in ("skane-2018-midnight", "skane-longstay-proposal", "law-default"):
        with pytest.raises(NotInForce, match=rf"{proposal} is a proposal \(förslag\).*never invoiced"):
            load_agreement(proposal).require_in_force(Month(2022, 3).first_day, "2022-03")
    with pytest.raises(NotInForce, match=r"in force 2018-01-01\.\., not for 2017-12"):
        skane.require_in_force(Month(2017, 12).first_day, "2017-12")
    assert repr(skane).count("in_force") == 0  # not an input of a run's digest (ADR 0008)


def test_an_agreement_id_is_checked_before_any_path_is_made_of_it(monkeypatch):
    touched: list[str] = []
    real_read = Path.read_text

    def read_text(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        touched.append(str(self))
        return real_read(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    for bad in ("../agreements/skane-2018", "../../x", "day-amounts", "/etc/passwd", "skane-2018.toml"):
        with pytest.raises(AgreementError, match="an agreement id must be one of the known agreements"):
            load_agreement(bad)
    assert touched == []
    assert load_agreement("skane-2018").id == "skane-2018" and len(touched) == 1


def test_a_years_day_amount_is_entered_once_with_its_source():
    packaged = day_amount_entries()
    assert {(e.year, e.origin) for e in packaged} >= {(2022, "package"), (2023, "package")}
    entry = new_day_amount(packaged, 2024, Decimal("10573"), "  Socialstyrelsen 2024 ", "u1", NOW)
    assert (entry.source, entry.origin) == ("Socialstyrelsen 2024", "database")
    amounts: DayAmounts = day_amounts([*packaged, entry])
    assert amounts.for_year(2024) == Decimal("10573")
    with pytest.raises(DayAmountKnown, match="2024 has a day amount already: 10573 SEK"):
        new_day_amount([*packaged, entry], 2024, Decimal("11000"), "s", "u2", NOW)
    with pytest.raises(DayAmountKnown, match="2023 has a day amount already: 10500 SEK"):
        new_day_amount(packaged, 2023, Decimal("11000"), "s", "u2", NOW)
