"""Messages between the parties (ADR 0014): who sees a message, whose it is, what is new to a user, who may
acknowledge it, and whom a meddelande may go to."""

from datetime import UTC, datetime, timedelta

import pytest

from planning.domain.message import Header, Party, addressed
from planning.domain.stay import PlanRuleBroken
from planning.service_layer.published import message_sent
from svu_shared.contracts.planning import MessageSent

AT = datetime(2025, 3, 4, 9, tzinfo=UTC)
WARD, OTHER_WARD = Party("ward", "W1"), Party("ward", "W2")
MALMO, LUND, VC1 = Party("municipality", "1280"), Party("municipality", "1281"), Party("primary_care", "VC1")
PARTIES = {"ward": "W1", "municipality": "1280", "primary_care": "VC1"}


def header(sender: Party | None, to: Party | None = None, at: datetime = AT) -> Header:
    return Header(
        "m1", sender.kind if sender else None, sender.org if sender else None, to and to.kind, to and to.org, at
    )


def test_a_message_to_all_is_seen_by_every_party_and_is_its_senders_own():
    to_all = header(MALMO)
    assert all(to_all.seen_by(p) for p in (WARD, MALMO, VC1, LUND))
    assert to_all.sent_by(MALMO) and not to_all.sent_by(LUND) and not to_all.sent_by(VC1)


def test_a_message_to_one_party_is_seen_by_it_and_the_sender_only():
    to_ward = header(VC1, Party("ward", "W1"))
    assert [to_ward.seen_by(p) for p in (WARD, OTHER_WARD, MALMO, VC1)] == [True, True, False, True]
    to_malmo = header(WARD, MALMO)
    assert [to_malmo.seen_by(p) for p in (WARD, MALMO, LUND, VC1)] == [True, True, False, False]


def test_the_ward_side_is_one_party_a_transfer_keeps_its_messages_its_own():
    assert header(WARD).sent_by(OTHER_WARD)


def test_what_is_new_to_a_user_is_what_arrived_since_they_last_opened_the_stay_never_their_own():
    earlier, later = header(MALMO, at=AT), header(MALMO, at=AT + timedelta(hours=2))
    opened = AT + timedelta(hours=1)
    assert (earlier.is_new(WARD, opened), later.is_new(WARD, opened)) == (False, True)
    assert earlier.is_new(WARD, None)  # never opened: everything is new
    assert not later.is_new(MALMO, None)  # the municipality's own message is never new (nor unread) for it
    assert not header(WARD, MALMO, at=AT + timedelta(hours=2)).is_new(VC1, opened)  # not addressed to it


def test_a_party_acknowledges_the_others_messages_not_its_own():
    header(MALMO).check_acknowledgeable(WARD)
    with pytest.raises(PlanRuleBroken, match="sent by the municipality itself: kvittens is given by the parties"):
        header(MALMO).check_acknowledgeable(MALMO)
    with pytest.raises(PlanRuleBroken, match="sent by the ward itself"):
        header(WARD).check_acknowledgeable(OTHER_WARD)
    header(None).check_acknowledgeable(MALMO)  # kept before the sender was recorded: anyone's to read


def test_a_meddelande_goes_to_all_or_to_another_party_the_stay_has():
    to_all = addressed("S1", PARTIES, MALMO, None, "  Hemtjänst från fredag  ", "lena@malmo", AT)
    assert (to_all.text, to_all.to, to_all.sender_subject) == ("Hemtjänst från fredag", None, "lena@malmo")
    to_ward = addressed("S1", PARTIES, MALMO, "ward", "Fråga", "lena@malmo", AT)
    assert to_ward.to == Party("ward", "W1")
    with pytest.raises(PlanRuleBroken, match="not to the municipality itself"):
        addressed("S1", PARTIES, MALMO, "municipality", "x", "lena@malmo", AT)
    with pytest.raises(PlanRuleBroken, match="the stay has no vårdcentral to write to"):
        addressed("S1", {**PARTIES, "primary_care": None}, MALMO, "primary_care", "x", "lena@malmo", AT)
    with pytest.raises(PlanRuleBroken, match="has text"):
        addressed("S1", PARTIES, MALMO, None, "   ", "lena@malmo", AT)
    with pytest.raises(PlanRuleBroken, match="was cancelled"):
        addressed("S1", PARTIES, MALMO, None, "x", "lena@malmo", AT, cancelled=True)


def test_a_meddelande_is_published_with_its_sender_person_and_addressee():
    event = message_sent(addressed("S1", PARTIES, VC1, "ward", "Kallelse skickad", "anna@vc1", AT))
    assert event == MessageSent(
        stay_id="S1",
        text="Kallelse skickad",
        sender_role="primary_care",
        sender_org="VC1",
        sender_subject="anna@vc1",
        sender_name="anna@vc1",
        to_role="ward",
        to_org="W1",
        sent_at=AT,
    )
