"""What planning's API takes and answers about messages: a meddelande's body, and each message of a stay's
timeline with its sender, addressee, text, every party's kvittens and whether it is new to the user (ADR 0014)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from planning.domain.message import TEXT_MAX_LENGTH


class MessageIn(BaseModel):
    """A meddelande to every party of the stay (`to` absent or "all") or to one."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=TEXT_MAX_LENGTH)
    to: Literal["all", "ward", "municipality", "primary_care"] = "all"


class AcknowledgementOut(BaseModel):
    """Kvitterad av …: the party (kind and organisation), the person and when."""

    party_kind: str
    party_id: str
    acknowledged_at: datetime
    acknowledged_by: str | None


class MessageOut(BaseModel):
    message_id: str
    type: str
    source: str
    occurred_at: datetime
    received_at: datetime | None = None  # when it reached planning: "new" counts from it
    sender_role: str | None = None  # None: a message kept before the sender was recorded
    sender_org: str | None = None
    sender_subject: str | None = None
    sender_name: str | None = None  # the token's subject: the principal carries no name (ADR 0014)
    to_role: str | None = None  # None: every party
    to_org: str | None = None
    text: str | None = None
    own: bool = False  # sent by the caller's party: never unread for it
    new: bool = False  # arrived since the user last opened the stay
    acknowledged_at: datetime | None = None  # the caller's party's kvittens
    acknowledged_by: list[str] = []  # the receivers' case ids that acknowledged it
    acknowledgements: list[AcknowledgementOut] = []  # every party's kvittens, the ward's too, with the person
