"""The inbox without real parts: the query planning is asked, what is marked new, unread and overdue, the addresses
that keep the filter and sort."""

from typing import Any

from web.screens import inbox

ITEMS: list[dict[str, Any]] = [
    {
        "case_id": "S1:municipality:1280",
        "stay_id": "S1",
        "opened_at": "2026-11-23T10:00:00Z",
        "status": "discharge_ready",
        "due": [{"what": "receiving_decision", "due_at": None, "overdue": True}],
        "unacknowledged": 2,
    },
    {"case_id": "S2:municipality:1280", "stay_id": "S2", "opened_at": "2026-11-22T10:00:00Z", "status": "admitted"},
]


def test_planning_is_asked_for_the_receivers_own_cases_with_the_filter_and_sort() -> None:
    assert inbox.cases_query("municipality", "1280", "unread", "ready", 50) == {
        "receiver_kind": "municipality",
        "receiver_id": "1280",
        "limit": inbox.PAGE_SIZE,
        "offset": 50,
        "unread": "true",
        "sort": "ready",
    }
    assert inbox.chosen("nonsense", inbox.SHOWS) == "" and inbox.chosen("overdue", inbox.SHOWS) == "overdue"
    assert inbox.address("/inbox/rows", "overdue", "", 0) == "/inbox/rows?show=overdue"
    assert inbox.address("/inbox", "", "", 0) == "/inbox"


def test_rows_are_new_after_the_previous_look_and_say_unread_and_overdue() -> None:
    rows = inbox.rows(ITEMS, "", "2026-11-23T00:00:00+00:00")
    assert [(r["is_new"], r["unread"], r["overdue"]) for r in rows] == [(True, 2, True), (False, 0, False)]
    assert rows[0]["row_id"] == "case-S1-municipality-1280"
    assert all(r["is_new"] for r in inbox.rows(ITEMS, "", None))  # the first look: everything is new
    assert [r["stay_id"] for r in inbox.rows(ITEMS, "unread", None)] == ["S1"]
    assert [r["stay_id"] for r in inbox.rows(ITEMS, "ready", None)] == ["S1"]
