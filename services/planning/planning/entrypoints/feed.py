"""The municipality's feed (ADR 0022): its own residents' events, for the municipal system that follows them."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from planning.adapters.feed import Feed
from svu_shared.auth import Principal
from svu_shared.deps import Limit, Runtime, role

router = APIRouter(tags=["feed"])
Municipality = Annotated[Principal, Depends(role("municipality"))]


class FeedEntry(BaseModel):
    position: int = Field(description="Where the entry is in the feed: pass the last one seen as `after`")
    event: dict[str, Any] = Field(description="The event as published: a CloudEvents 1.0 envelope (AsyncAPI)")


class FeedPage(BaseModel):
    items: list[FeedEntry]
    last_position: int = Field(description="The position to pass as `after` next time (the same when empty)")


@router.get("/feed", response_model=FeedPage)
async def municipality_feed(
    request: Request,
    caller: Municipality,
    runtime: Runtime,
    after: Annotated[int, Query(ge=0, le=2**62, description="Entries after this position")] = 0,
    limit: Limit = 100,
) -> FeedPage:
    """Every event of the stays of the caller's residents (folkbokförda in its kommun), in order: admission notice,
    corrections, transfers, discharge-ready, the cases and SIP steps, discharge. Only the caller's municipality's:
    another's patients are never in it. A system polls with the last position it has processed."""
    async with runtime.sessions() as session:
        entries = await Feed(session).after(caller.org, after, limit)
    request.state.audit_stays = [stay_id for _p, stay_id, _e in entries]  # the audit log's rows (ADR 0011)
    items = [FeedEntry(position=p, event=envelope.model_dump(mode="json")) for p, _s, envelope in entries]
    return FeedPage(items=items, last_position=items[-1].position if items else after)
