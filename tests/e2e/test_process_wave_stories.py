"""ADR 0014-0016 stories over the real broker, through all four services: a cancelled stay and its credit note; a
misrouted case returned and the notice corrected; a message thread with kvittens both ways; a dispute accepted
and one rejected; a backdated discharge-ready notice marked on the underlag; a proposal that cannot invoice.

Each billing story has a municipality and a month of its own (no other test posts notices for them, and no other
test settles those months), so every sum below is the story's alone. 2023's day amount is 10 500 SEK
(agreements/day-amounts.toml); skane-2018 bills D - 2.8 x N days when the average D / N is over 2.8, counting a day
per 12:00 (Europe/Stockholm) the patient was ready and still in hospital (domain §3.1 rules 3-5)."""

import csv
import io
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

import httpx

from svu_shared.local_issuer import token
from tests.support.auth import finance, municipality, primary_care, ward
from tests.support.ids import unique_hex
from tests.support.notices import admission_notice, notify_ready, wait_for_discharge_to_know
from tests.support.realparts import wait_until

DAY_AMOUNT_2023 = Decimal("10500")
THRESHOLD = Decimal("2.8")
# Kommunkoder (SCB) and months of these stories only.
LOMMA, HOGANAS, YSTAD, ANGELHOLM, SKURUP = "1262", "1284", "1286", "1292", "1264"


@cache
def person(role: str, org: str, subject: str) -> dict[str, str]:
    """A named user's token: kvittens, returns and disputes record the person (the token's subject)."""
    return {"Authorization": f"Bearer {token(role, org, subject=subject)}"}


def post(who: dict, url: str, body: dict | None = None, status: int = 201) -> dict:
    response = httpx.post(url, json=body, headers=who, timeout=10)
    assert response.status_code == status, response.text
    return response.json()


def get(who: dict, url: str, status: int = 200, **params) -> Any:  # type: ignore[no-untyped-def]
    response = httpx.get(url, params=params, headers=who, timeout=10)
    assert response.status_code == status, response.text
    return response.json()


def found(who: dict, url: str, **params):  # type: ignore[no-untyped-def]
    """A read that may not be there yet (another service has not consumed the event): {} until it is."""
    response = httpx.get(url, params=params, headers=who, timeout=10)
    return response.json() if response.status_code == 200 else {}


def services(running_services) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {name: proc.url for name, proc in running_services.items()}


def unit(story: str) -> str:
    return f"SE-WAVE-{story}-{unique_hex()[:6]}"


def admitted(svc: dict, care_unit: str, kommun: str, admitted_at: str, **notice) -> str:  # type: ignore[no-untyped-def]
    """A stay whose notice planning and the discharge service have."""
    stay_id = f"wave-{unique_hex()[:10]}"
    body = {**admission_notice(stay_id, kommun, care_unit), "admitted_at": admitted_at, **notice}
    post(ward(care_unit), f"{svc['admission']}/admission-notices", body)
    wait_until(lambda: found(ward(care_unit), f"{svc['planning']}/stays/{stay_id}"), what=f"planning to open {stay_id}")
    wait_for_discharge_to_know(svc["discharge"], stay_id, care_unit)
    return stay_id


def billed_stay(svc: dict, care_unit: str, kommun: str, ready: str, discharged: str, **notice) -> str:  # type: ignore[no-untyped-def]
    """Admitted on the month's first day, ready at `ready` (a notice backdated to then), discharged home."""
    stay_id = admitted(svc, care_unit, kommun, f"{ready[:8]}01T08:00:00+01:00", **notice)
    notify_ready(svc["discharge"], ward(care_unit), stay_id, ready, ready)
    post(
        ward(care_unit),
        f"{svc['discharge']}/stays/{stay_id}/discharge",
        {"discharged_at": discharged, "destination": "home"},
    )
    return stay_id


def owed(days: list[int]) -> Decimal:
    """Domain §3.1 rules 4 and 5 under skane-2018 in 2023: D - 2.8 N days when D / N > 2.8, times the day amount."""
    n, d = len(days), sum(days)
    if n == 0 or Decimal(d) / n <= THRESHOLD:
        return Decimal("0.00")
    return ((d - THRESHOLD * n) * DAY_AMOUNT_2023).quantize(Decimal("0.01"), ROUND_HALF_UP)


def settled_line(svc: dict, kommun: str, period: str, agreement: str = "skane-2018") -> dict:
    body = get(finance(), f"{svc['billing']}/settlements", agreement=agreement, period=period)
    return next((m for m in body["municipalities"] if m["municipality"] == kommun), {})


def billing_sees(svc: dict, kommun: str, period: str, stays: int, ready_days: int) -> dict:
    """Waits until billing has consumed the month's stays of the municipality (what-if settlement, nothing stored)."""
    return wait_until(
        lambda: (
            (line := settled_line(svc, kommun, period))
            and (line["stays"], line["ready_days"]) == (stays, ready_days)
            and line
        ),
        timeout=60,
        what=f"billing to settle {stays} stays with {ready_days} ready days for {kommun} {period}",
    )


def run(svc: dict, period: str, status: int = 201, agreement: str = "skane-2018") -> dict:
    return post(finance(), f"{svc['billing']}/settlement-runs", {"agreement": agreement, "period": period}, status)


def documents(run_answer: dict, kommun: str) -> list[dict]:
    return [d for d in run_answer["documents"] if d["municipality"] == kommun]


def underlag(svc: dict, invoice_id: str, who: dict | None = None) -> list[dict]:
    response = httpx.get(
        f"{svc['billing']}/invoices/{invoice_id}/specification.csv", headers=who or finance(), timeout=10
    )
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def fromiso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def cases_of(svc: dict, who: dict, stay_id: str) -> list[dict]:
    return found(who, f"{svc['planning']}/cases", stay_id=stay_id).get("items", [])


def test_a_cancelled_stay_closes_every_case_and_the_invoiced_month_gets_a_credit_note(running_services):
    svc = services(running_services)
    w = unit("CANCEL")
    vardcentral = f"SE-VC-CANCEL-{unique_hex()[:6]}"
    # Ready days at noon: 4 (2-5 Jan), 5 (9-13 Jan), 2 (16-17 Jan): D = 11, N = 3, average 3.667 > 2.8.
    first = billed_stay(svc, w, LOMMA, "2023-01-02T09:00:00+01:00", "2023-01-05T15:00:00+01:00")
    wrong = billed_stay(
        svc, w, LOMMA, "2023-01-09T09:00:00+01:00", "2023-01-13T15:00:00+01:00", primary_care_unit=vardcentral
    )
    third = billed_stay(svc, w, LOMMA, "2023-01-16T09:00:00+01:00", "2023-01-17T15:00:00+01:00")
    billing_sees(svc, LOMMA, "2023-01", stays=3, ready_days=11)

    invoiced = run(svc, "2023-01")
    [invoice] = documents(invoiced, LOMMA)
    assert (invoice["kind"], invoice["amount_sek"], invoice["invoice_id"]) == (
        "invoice",
        "27300.00",  # (11 - 8.4) x 10 500
        "INV-skane-2018-2023-01-1262-1",
    )
    rows = underlag(svc, invoice["invoice_id"])
    shares = {r["stay_id"]: int(r["stay_ready_days"]) for r in rows}
    assert shares == {first: 4, wrong: 5, third: 2}

    # The municipality's and the vårdcentral's cases are open (after the discharge too) until the notice is cancelled.
    kommun, vc = municipality(LOMMA), primary_care(vardcentral)
    wait_until(
        lambda: [c["status"] for c in cases_of(svc, kommun, wrong) + cases_of(svc, vc, wrong)] == ["discharged"] * 2,
        what="both receivers' cases to follow the discharge",
    )
    cancelled = post(ward(w), f"{svc['admission']}/stays/{wrong}/cancellation", {"reason": "fel patient"}, status=200)
    assert (cancelled["cancel_reason"], cancelled["process_ended"]) == ("fel patient", True)

    closed = wait_until(
        lambda: (c := cases_of(svc, kommun, wrong) + cases_of(svc, vc, wrong)) and all(x["closed_at"] for x in c) and c,
        what="planning to close every receiver's case",
    )
    reason = "the admission notice was cancelled (makulerat): fel patient"
    assert [
        (c["receiver_kind"], c["receiver_id"], c["status"], c["closed_as"], c["closed_reason"]) for c in closed
    ] == [
        ("municipality", LOMMA, "cancelled", "cancelled", reason),
        ("primary_care", vardcentral, "cancelled", "cancelled", reason),
    ]
    stay = get(ward(w), f"{svc['planning']}/stays/{wrong}")
    assert stay["status"] == "cancelled" and stay["due"] == []
    assert {(c["receiver_kind"], c["closed_as"]) for c in stay["cases"]} == {
        ("municipality", "cancelled"),
        ("primary_care", "cancelled"),
    }

    # Billing takes the stay out: never billed, in no month; the invoiced month owes less.
    timeline = wait_until(
        lambda: (t := found(finance(), f"{svc['billing']}/stays/{wrong}/ready-periods")) and t["cancelled_by"] and t,
        what="billing to see the cancellation",
    )
    assert timeline["cancelled_by"] in timeline["event_ids"]
    line = billing_sees(svc, LOMMA, "2023-01", stays=2, ready_days=6)
    assert (line["average_days"], line["billable_days"], line["amount_sek"]) == ("3.000", "0.40", "4200.00")

    corrected = run(svc, "2023-01")
    [credit] = documents(corrected, LOMMA)
    # The credit is what the month owes without the cancelled stay's share (its 5 days and its place in N) minus
    # what was invoiced, as the first run's underlag shows the shares.
    without = owed([days for stay_id, days in shares.items() if stay_id != wrong])
    assert without - owed(list(shares.values())) == Decimal("-23100.00")
    assert (credit["kind"], credit["amount_sek"], credit["corrects_invoice_id"], credit["invoice_id"]) == (
        "credit",
        "-23100.00",
        invoice["invoice_id"],
        "INV-skane-2018-2023-01-1262-2",
    )
    assert {r["stay_id"] for r in underlag(svc, credit["invoice_id"])} == {first, third}
    assert run(svc, "2023-01", status=200)["reused"] is True  # nothing changed since: no further document


def test_a_misrouted_case_is_returned_and_the_ward_corrects_the_vardcentral(running_services):
    svc = services(running_services)
    w = unit("RETURN")
    wrong_vc, right_vc = (f"SE-VC-{name}-{unique_hex()[:6]}" for name in ("WRONG", "RIGHT"))
    stay_id = admitted(svc, w, SKURUP, "2025-03-01T10:00:00+01:00", primary_care_unit=wrong_vc)
    [case] = wait_until(lambda: cases_of(svc, primary_care(wrong_vc), stay_id), what="the vårdcentral's case")
    assert (case["case_id"], case["status"]) == (f"{stay_id}:primary_care:{wrong_vc}", "admitted")

    why = "Patienten är inte listad hos oss, utan på Skurups vårdcentral"
    returner = person("primary_care", wrong_vc, "lakare.lisa@vc")
    returned = post(returner, f"{svc['planning']}/cases/{case['case_id']}/return", {"reason": why}, status=200)
    assert (returned["status"], returned["closed_as"], returned["closed_reason"], returned["closed_by"]) == (
        "closed",
        "returned",
        why,
        "lakare.lisa@vc",
    )
    again = httpx.post(
        f"{svc['planning']}/cases/{case['case_id']}/return", json={"reason": "igen"}, headers=returner, timeout=10
    )
    assert again.status_code == 409 and "a closed case cannot be returned" in again.json()["detail"]

    # The ward sees the return: on its list, on the stay (what is due), in its due list, and as a message to it.
    [row] = get(ward(w), f"{svc['planning']}/stays", care_unit=w)["items"]
    assert [(c["case_id"], c["closed_as"], c["closed_reason"], c["closed_by"]) for c in row["returned_cases"]] == [
        (case["case_id"], "returned", why, "lakare.lisa@vc")
    ]
    correction = (
        "Rätta eller makulera inskrivningsmeddelandet (avdelningen): att göra; "
        f"ärendet returnerades av {wrong_vc}: {why}"
    )
    stay = get(ward(w), f"{svc['planning']}/stays/{stay_id}")
    assert [d["words"] for d in stay["due"]] == ["Kartläggning (avdelningen): att göra", correction]
    [due_row] = get(ward(w), f"{svc['planning']}/due", care_unit=w)["items"]
    assert (due_row["stay_id"], [d["words"] for d in due_row["due"]]) == (
        stay_id,
        ["Kartläggning (avdelningen): att göra", correction],
    )
    messages = get(ward(w), f"{svc['planning']}/stays/{stay_id}/messages")
    [message] = [m for m in messages if m["type"] == "se.svu.planning.case_returned.v1"]
    assert (message["sender_role"], message["sender_org"], message["to_role"], message["to_org"], message["text"]) == (
        "primary_care",
        wrong_vc,
        "ward",
        w,
        why,
    )

    corrected = post(
        ward(w),
        f"{svc['admission']}/stays/{stay_id}/corrections",
        {"primary_care_unit": right_vc, "reason": "fel vårdcentral enligt returen"},
        status=200,
    )
    assert corrected["primary_care_unit"] == right_vc and corrected["corrected_at"]
    [new_case] = wait_until(lambda: cases_of(svc, primary_care(right_vc), stay_id), what="the right vårdcentral's case")
    assert (new_case["case_id"], new_case["status"], new_case["closed_at"]) == (
        f"{stay_id}:primary_care:{right_vc}",
        "admitted",
        None,
    )
    stay = get(ward(w), f"{svc['planning']}/stays/{stay_id}")
    assert [d["words"] for d in stay["due"]] == [  # the correction is no longer due; the new vårdcentral's steps are
        "Kartläggning (avdelningen): att göra",
        "Fast vårdkontakt (vårdcentralen): att göra",
        "Ställningstagande till SIP (vårdcentralen): att göra",
    ]
    assert {(c["receiver_id"], c["closed_as"]) for c in stay["cases"]} == {
        (SKURUP, None),
        (wrong_vc, "returned"),
        (right_vc, None),
    }
    # The vårdcentral that returned it keeps its closed case and sees the stay only as it was when its case closed
    # (ADR 0025): not the correction that followed, nor the right vårdcentral's case.
    [kept] = cases_of(svc, primary_care(wrong_vc), stay_id)
    assert (kept["status"], kept["closed_as"]) == ("closed", "returned")
    as_closed = get(primary_care(wrong_vc), f"{svc['planning']}/stays/{stay_id}")
    assert as_closed["primary_care_unit"] == wrong_vc
    assert [(c["receiver_id"], c["closed_as"]) for c in as_closed["cases"]] == [(wrong_vc, "returned")]


def acks(message: dict) -> list[tuple[str, str, str]]:
    return [(a["party_kind"], a["party_id"], a["acknowledged_by"]) for a in message["acknowledgements"]]


def test_a_message_thread_with_kvittens_both_ways(running_services):
    svc = services(running_services)
    w = unit("THREAD")
    vardcentral = f"SE-VC-THREAD-{unique_hex()[:6]}"
    stay_id = admitted(svc, w, SKURUP, "2025-03-01T10:00:00+01:00", primary_care_unit=vardcentral)
    kommun_case, vc_case = f"{stay_id}:municipality:{SKURUP}", f"{stay_id}:primary_care:{vardcentral}"
    wait_until(
        lambda: (
            len(cases_of(svc, municipality(SKURUP), stay_id) + cases_of(svc, primary_care(vardcentral), stay_id)) == 2
        ),
        what="both cases",
    )
    planner = person("municipality", SKURUP, "planerare.karin@skurup")
    nurse, other_nurse = person("ward", w, "ssk.anna@avd"), person("ward", w, "ssk.olle@avd")
    doctor = person("primary_care", vardcentral, "lakare.bo@vc")

    to_all = post(planner, f"{svc['planning']}/stays/{stay_id}/messages", {"text": "Vi har hemtjänst redo från måndag"})
    assert (to_all["sender_role"], to_all["sender_org"], to_all["sender_subject"]) == (
        "municipality",
        SKURUP,
        "planerare.karin@skurup",
    )
    assert (to_all["to_role"], to_all["own"], to_all["acknowledgements"]) == (None, True, [])
    first = to_all["message_id"]
    own = httpx.post(
        f"{svc['planning']}/cases/{kommun_case}/messages/{first}/acknowledgement", headers=planner, timeout=10
    )
    assert own.status_code == 409 and "was sent by the municipality itself" in own.json()["detail"]

    [row] = get(ward(w), f"{svc['planning']}/due", care_unit=w)["items"]
    assert row["unacknowledged"] == 1  # the municipality's message; the ward's notice is its own
    given = post(nurse, f"{svc['planning']}/stays/{stay_id}/messages/{first}/acknowledgement")
    assert acks(given) == [("ward", w, "ssk.anna@avd")] and given["acknowledged_at"]
    second_click = post(other_nurse, f"{svc['planning']}/stays/{stay_id}/messages/{first}/acknowledgement", status=200)
    assert acks(second_click) == [("ward", w, "ssk.anna@avd")]  # once per organisation: the first person's

    to_vc = post(
        nurse,
        f"{svc['planning']}/stays/{stay_id}/messages",
        {"text": "Kan ni kalla till SIP på torsdag?", "to": "primary_care"},
    )
    second = to_vc["message_id"]
    assert (to_vc["to_role"], to_vc["to_org"], to_vc["own"]) == ("primary_care", vardcentral, True)
    own = httpx.post(f"{svc['planning']}/stays/{stay_id}/messages/{second}/acknowledgement", headers=nurse, timeout=10)
    assert own.status_code == 409 and "was sent by the ward itself" in own.json()["detail"]
    given = post(doctor, f"{svc['planning']}/cases/{vc_case}/messages/{second}/acknowledgement")
    assert acks(given) == [("primary_care", vardcentral, "lakare.bo@vc")]

    # Each side sees who acknowledged what; a party's own messages are never unread for it.
    def thread(messages: list[dict]) -> list[tuple[str, bool, list]]:
        return [(m["text"], m["own"], acks(m)) for m in messages if m["type"] == "se.svu.planning.message_sent.v1"]

    ward_view = get(nurse, f"{svc['planning']}/stays/{stay_id}/messages")
    assert thread(ward_view) == [
        ("Vi har hemtjänst redo från måndag", False, [("ward", w, "ssk.anna@avd")]),
        ("Kan ni kalla till SIP på torsdag?", True, [("primary_care", vardcentral, "lakare.bo@vc")]),
    ]
    vc_view = get(doctor, f"{svc['planning']}/cases/{vc_case}/messages")
    assert thread(vc_view) == [
        ("Vi har hemtjänst redo från måndag", False, [("ward", w, "ssk.anna@avd")]),
        ("Kan ni kalla till SIP på torsdag?", False, [("primary_care", vardcentral, "lakare.bo@vc")]),
    ]
    kommun_view = get(planner, f"{svc['planning']}/cases/{kommun_case}/messages")
    assert thread(kommun_view) == [  # the ward's message to the vårdcentral is not the municipality's to see
        ("Vi har hemtjänst redo från måndag", True, [("ward", w, "ssk.anna@avd")]),
    ]
    # Unread: the ward has acknowledged the one message of another party; the municipality has the ward's
    # notice left (not its own message); the vårdcentral the notice and the municipality's message.
    [row] = get(ward(w), f"{svc['planning']}/due", care_unit=w)["items"]
    assert row["unacknowledged"] == 0
    assert get(planner, f"{svc['planning']}/cases/{kommun_case}")["unacknowledged"] == 1
    assert get(doctor, f"{svc['planning']}/cases/{vc_case}")["unacknowledged"] == 2
    assert [m["type"].split(".")[-2] for m in kommun_view if not m["own"] and not m["acknowledged_at"]] == [
        "notice_sent"
    ]


def test_a_dispute_accepted_and_one_rejected(running_services):
    svc = services(running_services)
    w = unit("DISPUTE")
    # Ready days at noon: 4 (1-4 Feb), 5 (6-10 Feb), 6 (13-18 Feb): D = 15, N = 3, average 5 > 2.8.
    short = billed_stay(svc, w, HOGANAS, "2023-02-01T09:00:00+01:00", "2023-02-04T15:00:00+01:00")
    billed_stay(svc, w, HOGANAS, "2023-02-06T09:00:00+01:00", "2023-02-10T15:00:00+01:00")
    long = billed_stay(svc, w, HOGANAS, "2023-02-13T09:00:00+01:00", "2023-02-18T15:00:00+01:00")
    billing_sees(svc, HOGANAS, "2023-02", stays=3, ready_days=15)
    [invoice] = documents(run(svc, "2023-02"), HOGANAS)
    assert (invoice["kind"], invoice["amount_sek"]) == ("invoice", "69300.00")  # (15 - 8.4) x 10 500
    invoice_id = invoice["invoice_id"]

    controller = person("municipality", HOGANAS, "controller.eva@hoganas")
    disputed = post(
        controller,
        f"{svc['billing']}/invoices/{invoice_id}/disputes",
        {"stay_id": long, "reason": "Patienten var inte utskrivningsklar enligt journalen"},
    )
    assert (disputed["status"], disputed["stay_id"], disputed["period"], disputed["credit_sek"]) == (
        "open",
        long,
        "2023-02",
        None,
    )
    accepted = post(
        finance(),
        f"{svc['billing']}/disputes/{disputed['dispute_id']}/acceptance",
        {"reason": "Journalen styrker kommunens invändning"},
        status=200,
    )
    # The stay counts with no days and stays one of N: D = 9, N = 3, (9 - 8.4) x 10 500 = 6 300; credit 63 000.
    assert (accepted["status"], accepted["credit_sek"]) == ("accepted", "63000.00")
    corrected = run(svc, "2023-02")
    [credit] = documents(corrected, HOGANAS)
    assert (credit["kind"], credit["amount_sek"], credit["corrects_invoice_id"]) == ("credit", "-63000.00", invoice_id)
    [line] = [m for m in corrected["settlement"]["municipalities"] if m["municipality"] == HOGANAS]
    assert (line["stays"], line["ready_days"], line["billable_days"], line["amount_sek"]) == (3, 9, "0.60", "6300.00")
    [credited] = [r for r in underlag(svc, credit["invoice_id"], controller) if r["stay_id"] == long]
    assert (credited["days"], credited["stay_ready_days"], credited["note"]) == (
        "6",
        "0",
        f"dispute {disputed['dispute_id']} accepted: the stay's 6 ready days are credited",
    )
    again = httpx.post(
        f"{svc['billing']}/invoices/{invoice_id}/disputes",
        json={"stay_id": long, "reason": "igen"},
        headers=controller,
        timeout=10,
    )
    assert again.status_code == 409 and "was disputed and accepted" in again.json()["detail"]

    second = post(
        controller,
        f"{svc['billing']}/invoices/{invoice_id}/disputes",
        {"stay_id": short, "reason": "Fel utskrivningsdatum"},
    )
    rejected = post(
        finance(),
        f"{svc['billing']}/disputes/{second['dispute_id']}/rejection",
        {"reason": "Utskrivningen är dokumenterad den 4 februari"},
        status=200,
    )
    assert (rejected["status"], rejected["credit_sek"]) == ("rejected", None)
    twice = httpx.post(
        f"{svc['billing']}/disputes/{second['dispute_id']}/acceptance", json={}, headers=finance(), timeout=10
    )
    assert twice.status_code == 409 and "a dispute is resolved once" in twice.json()["detail"]
    unchanged = run(svc, "2023-02", status=200)  # a rejection changes nothing: the latest run is reused
    assert (unchanged["reused"], unchanged["run_id"]) == (True, corrected["run_id"])
    issued = get(controller, f"{svc['billing']}/municipalities/{HOGANAS}/invoices")
    assert sorted((d["kind"], d["amount_sek"]) for d in issued["items"]) == [
        ("credit", "-63000.00"),
        ("invoice", "69300.00"),
    ]

    # Both sides see each dispute's history: who (role, organisation), when and why.
    def history(dispute: dict) -> list[tuple]:
        return [(s["step"], s["by_role"], s["by_org"], s["reason"]) for s in dispute["history"]]

    expected = {
        disputed["dispute_id"]: [
            ("opened", "municipality", HOGANAS, "Patienten var inte utskrivningsklar enligt journalen"),
            ("accepted", "finance", "SE2321000016-EKONOMI", "Journalen styrker kommunens invändning"),
        ],
        second["dispute_id"]: [
            ("opened", "municipality", HOGANAS, "Fel utskrivningsdatum"),
            ("rejected", "finance", "SE2321000016-EKONOMI", "Utskrivningen är dokumenterad den 4 februari"),
        ],
    }
    mine = get(controller, f"{svc['billing']}/disputes", municipality=HOGANAS)
    assert mine["total"] == 2 and {d["dispute_id"]: history(d) for d in mine["items"]} == expected
    for dispute_id, steps in expected.items():
        assert history(get(finance(), f"{svc['billing']}/disputes/{dispute_id}")) == steps
    get(municipality(LOMMA), f"{svc['billing']}/disputes/{second['dispute_id']}", status=404)  # not another's


def test_a_backdated_ready_notice_is_marked_on_the_underlag(running_services):
    svc = services(running_services)
    w = unit("BACKDATE")
    stay_id = admitted(svc, w, YSTAD, "2023-11-01T08:00:00+01:00")
    why = "Skickat på papper under journalsystemets driftstopp 6 november"
    notice = post(
        ward(w), f"{svc['discharge']}/stays/{stay_id}/discharge-ready", {"judged_at": "2023-11-06T09:00:00+01:00"}
    )
    received = notice["ready_received_at"]  # the server's time of receipt: now
    backdated = post(
        ward(w),
        f"{svc['discharge']}/stays/{stay_id}/discharge-ready/backdating",
        {"sent_at": "2023-11-06T09:30:00+01:00", "reason": why},
    )
    assert (backdated["backdating"]["received_at"], backdated["backdating"]["reason"]) == (received, why)
    assert fromiso(backdated["ready_since"]) == fromiso("2023-11-06T08:30:00+00:00")
    post(
        ward(w),
        f"{svc['discharge']}/stays/{stay_id}/discharge",
        {"discharged_at": "2023-11-09T15:00:00+01:00", "destination": "home"},
    )
    # Every party sees the clock was moved: planning's stay keeps the receipt and the reason.
    stay = wait_until(
        lambda: (s := found(ward(w), f"{svc['planning']}/stays/{stay_id}")) and s["status"] == "discharged" and s,
        what="planning to see the discharge",
    )
    assert (stay["ready_at"], fromiso(stay["ready_received_at"]), stay["ready_backdating_reason"]) == (
        "2023-11-06T08:30:00Z",
        fromiso(received),
        why,
    )

    # Ready 6 Nov 09:30 to 9 Nov 15:00: noon on the 6th to the 9th, 4 days; N = 1, (4 - 2.8) x 10 500 = 12 600.
    billing_sees(svc, YSTAD, "2023-11", stays=1, ready_days=4)
    [invoice] = documents(run(svc, "2023-11"), YSTAD)
    assert (invoice["kind"], invoice["amount_sek"]) == ("invoice", "12600.00")
    [period] = get(finance(), f"{svc['billing']}/stays/{stay_id}/ready-periods")["periods"]
    [line] = underlag(svc, invoice["invoice_id"])
    assert {k: v for k, v in line.items() if k not in ("stay_event_ids", "notice_received_at")} == {
        "stay_id": stay_id,
        "municipality": YSTAD,
        "care_type": "somatic",
        "ready_opened_at": "2023-11-06T08:30:00+00:00",
        "ready_closed_at": "2023-11-09T14:00:00+00:00",
        "days": "4",
        "opened_by_event": period["opened_by"],
        "closed_by_event": period["closed_by"],
        "stay_ready_days": "4",
        "backdated": "yes",
        "backdating_reason": why,
        "note": "",
    }
    assert fromiso(line["notice_received_at"]) == fromiso(received) == fromiso(period["backdated_from"])
    assert {period["opened_by"], period["closed_by"]} <= set(line["stay_event_ids"].split())
    assert underlag(svc, invoice["invoice_id"], municipality(YSTAD)) == [line]  # the municipality reads the same


def test_a_proposal_cannot_issue_an_invoice_but_is_settled_and_compared(running_services):
    svc = services(running_services)
    w = unit("PROPOSAL")
    # Ready 1 Dec 09:00 - 4 Dec 15:00 and 6 Dec 09:00 - 10 Dec 15:00: 4 + 5 noons, 3 + 4 midnights.
    billed_stay(svc, w, ANGELHOLM, "2023-12-01T09:00:00+01:00", "2023-12-04T15:00:00+01:00")
    billed_stay(svc, w, ANGELHOLM, "2023-12-06T09:00:00+01:00", "2023-12-10T15:00:00+01:00")
    billing_sees(svc, ANGELHOLM, "2023-12", stays=2, ready_days=9)

    refused = httpx.post(
        f"{svc['billing']}/settlement-runs",
        json={"agreement": "skane-2018-midnight", "period": "2023-12"},
        headers=finance(),
        timeout=10,
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["detail"] == (
        "agreement skane-2018-midnight is a proposal (förslag): it can be settled and compared, never invoiced; "
        "invoices are issued only under an agreement in force for the month"
    )
    agreement = get(finance(), f"{svc['billing']}/agreements/skane-2018-midnight")
    assert (agreement["status"], agreement["in_force_from"]) == ("proposal", None)

    # Under the proposal: D = 7, N = 2, average 3.5, (7 - 5.6) x 10 500 = 14 700.
    line = settled_line(svc, ANGELHOLM, "2023-12", agreement="skane-2018-midnight")
    assert (line["stays"], line["ready_days"], line["average_days"], line["billable_days"], line["amount_sek"]) == (
        2,
        7,
        "3.500",
        "1.40",
        "14700.00",
    )
    compared = get(
        finance(),
        f"{svc['billing']}/comparisons",
        period="2023-12",
        agreements=["skane-2018", "skane-2018-midnight"],
    )
    [row] = [m for m in compared["municipalities"] if m["municipality"] == ANGELHOLM]
    assert (row["skane-2018"]["amount_sek"], row["skane-2018-midnight"]["amount_sek"], row["difference_sek"]) == (
        "35700.00",  # (9 - 5.6) x 10 500
        "14700.00",
        "-21000.00",
    )
    assert get(finance(), f"{svc['billing']}/municipalities/{ANGELHOLM}/invoices")["total"] == 0  # nothing issued
