"""The planning service's own tables."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    false,
)

from svu_shared.contracts.base import CASE_ID_MAX_LENGTH
from svu_shared.db import AwareDateTime, UnitIds
from svu_shared.runtime import Messaging

metadata = MetaData()
messaging = Messaging(metadata)
RECORDS = (
    "care_contact",
    "assessment",
    "sip_decision",
    "sip_invitation",
    "sip",
    "receiving_decision",
    "municipality_input",
    "primary_care_input",
)
SUBJECT_MAX_LENGTH = 200  # a token's subject, as the audit log keeps it

# One row per stay: the ward's facts as events told them, and the plan (one JSON document per record).
stays = Table(
    "stays",
    metadata,
    Column("stay_id", String(64), primary_key=True),
    Column("patient_id", String(12), nullable=True, index=True),  # NULL until the identity event came (ADR 0028)
    Column("municipality", String(4), nullable=False, index=True),
    Column("care_unit", String(64), nullable=False, index=True),
    Column("notice_care_unit", String(64), nullable=False),
    Column("primary_care_unit", String(64), nullable=True),
    Column("admitted_at", AwareDateTime(), nullable=False),
    Column("notice_sent_at", AwareDateTime(), nullable=False, index=True),
    Column("notice_deadline", AwareDateTime(), nullable=True),
    Column("estimated_discharge_date", Date, nullable=True),
    Column("status", String(20), nullable=False, index=True),
    Column("ready_at", AwareDateTime(), nullable=True),
    Column("sip_due_at", AwareDateTime(), nullable=True),
    Column("sip_invited_at", AwareDateTime(), nullable=True),
    Column("discharged_at", AwareDateTime(), nullable=True),
    Column("destination", String(32), nullable=True),
    Column("epicrisis_sent_at", AwareDateTime(), nullable=True),
    Column("medication_list_sent_at", AwareDateTime(), nullable=True),
    *(Column(name, JSON(none_as_null=True), nullable=True) for name in RECORDS),
    Column("wards", UnitIds(), nullable=False),
    Column("protected_identity", Boolean, nullable=False, server_default=false()),
    Column("patient_name", String(200), nullable=True),
    Column("patient_address", String(300), nullable=True),
    Column("former_municipalities", UnitIds(), nullable=False),
    Column("interrupted_at", AwareDateTime(), nullable=True),
    Column("interruption", String(32), nullable=True),
    Column("interruption_note", String(500), nullable=True),
    Column("ready_received_at", AwareDateTime(), nullable=True),
    Column("ready_backdating_reason", String(500), nullable=True),
)

cases = Table(
    "cases",
    metadata,
    Column("case_id", String(CASE_ID_MAX_LENGTH), primary_key=True),
    Column("stay_id", String(64), nullable=False, index=True),
    Column("receiver_kind", String(16), nullable=False),
    Column("receiver_id", String(64), nullable=False, index=True),
    Column("opened_at", AwareDateTime(), nullable=False),
    Column("closed_at", AwareDateTime(), nullable=True),
    Column("closed_reason", String(500), nullable=True),
    Column("closed_as", String(32), nullable=True),
    Column("closed_by", String(SUBJECT_MAX_LENGTH), nullable=True),
    # A closed case keeps its stay as it was when it closed: all its receiver reads of the stay from then on
    # (Patientdatalagen 4 kap. 1 §, ADR 0025); an open case keeps none.
    Column("stay_as_closed", JSON(none_as_null=True), nullable=True),
)

# Every message of a stay its parties read (the events about it and the meddelanden), for kvittens: who sent it
# (role and organisation; the person for what a user did), to whom (none: every party) and its text.
messages = Table(
    "messages",
    metadata,
    Column("message_id", String(64), primary_key=True),
    Column("stay_id", String(64), nullable=False, index=True),
    Column("type", String(100), nullable=False),
    Column("source", String(100), nullable=False),
    Column("occurred_at", AwareDateTime(), nullable=False),
    Column("received_at", AwareDateTime(), nullable=False),
    Column("sender_role", String(16), nullable=True),
    Column("sender_org", String(64), nullable=True),
    Column("sender_subject", String(SUBJECT_MAX_LENGTH), nullable=True),
    Column("sender_name", String(SUBJECT_MAX_LENGTH), nullable=True),
    Column("to_role", String(16), nullable=True),
    Column("to_org", String(64), nullable=True),
    Column("text", String(2000), nullable=True),
)

# Kvittens by a receiver (its case), with the person; and by the ward side (once per message).
acknowledgements = Table(
    "acknowledgements",
    metadata,
    Column("message_id", String(64), primary_key=True),
    Column("case_id", String(CASE_ID_MAX_LENGTH), primary_key=True),
    Column("acknowledged_at", AwareDateTime(), nullable=False),
    Column("acknowledged_by", String(SUBJECT_MAX_LENGTH), nullable=True),
)

ward_acknowledgements = Table(
    "ward_acknowledgements",
    metadata,
    Column("message_id", String(64), primary_key=True),
    Column("care_unit", String(64), nullable=False),
    Column("acknowledged_at", AwareDateTime(), nullable=False),
    Column("acknowledged_by", String(SUBJECT_MAX_LENGTH), nullable=False),
)

# When each user last opened each stay (and the time before), for what is new to them (ADR 0014).
stay_openings = Table(
    "stay_openings",
    metadata,
    Column("stay_id", String(64), primary_key=True),
    Column("subject", String(SUBJECT_MAX_LENGTH), primary_key=True),
    Column("opened_at", AwareDateTime(), nullable=False),
    Column("previously_opened_at", AwareDateTime(), nullable=True),
)

# Events that arrived before the stay they belong to (out of order across topics).
parked_events = Table(
    "parked_events",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("stay_id", String(64), nullable=False, index=True),
    Column("envelope", LargeBinary, nullable=False),
    Column("parked_at", AwareDateTime(), nullable=False),
)

# The municipality's feed (ADR 0022): each event of a stay, in the order planning applied or published it, for the
# municipality where the patient is folkbokförd; a municipality reads only its own (GET /feed).
feed = Table(
    "feed",
    metadata,
    Column("position", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("municipality", String(4), nullable=False),
    Column("stay_id", String(64), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("envelope", LargeBinary, nullable=False),
    Column("added_at", AwareDateTime(), nullable=False),
    Index("ix_feed_municipality_position", "municipality", "position"),
)
