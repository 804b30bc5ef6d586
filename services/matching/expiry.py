"""The background poller that expires unanswered proposals and moves on."""

from __future__ import annotations

import structlog

from services.matching.adapters import requests
from services.matching.proposing import Matchmaker
from shared.platform.polling import poll_forever
from shared.platform.runtime import ServiceContext

log = structlog.get_logger(__name__)


async def expire_proposals(ctx: ServiceContext) -> None:
    """Expire due proposals one transaction each; outages are logged and retried."""
    matchmaker = Matchmaker(ctx.settings, ctx.topics)

    async def expire_next() -> int:
        return int(await expire_one_due_proposal(ctx, matchmaker))

    await poll_forever(
        expire_next,
        task="expire_proposals",
        interval_s=ctx.settings.expiry_poll_interval_s,
        batch_size=1,
        initial_backoff_s=ctx.settings.retry_initial_backoff_s,
        max_backoff_s=ctx.settings.retry_max_backoff_s,
        stopping=ctx.stopping,
    )


async def expire_one_due_proposal(ctx: ServiceContext, matchmaker: Matchmaker) -> bool:
    """Handle one due expiry timer; False when none is due."""
    async with ctx.db.unit_of_work() as uow:
        proposal_id = await requests.claim_due_expiry(uow.conn)
        if proposal_id is None:
            return False
        proposal = await requests.lock_proposal(uow.conn, proposal_id)
        if proposal is None or proposal["status"] != "open":
            await requests.close_proposal(uow.conn, proposal_id, "expired")
            return True
        log.info(
            "proposal_expired",
            request_id=str(proposal["request_id"]),
            proposal_id=str(proposal_id),
            mentor_employee_id=proposal["mentor_employee_id"],
        )
        waited = time_allowed(ctx.settings.proposal_expiry_hours)
        await matchmaker.withdraw_unanswered(
            uow,
            proposal,
            "expired",
            cause=None,
            tell_mentor=(
                "expired",
                f"there was no answer within {waited}, so it has been passed on",
            ),
        )
        return True


def time_allowed(hours: float) -> str:
    """``72 hours``, ``1 hour``, ``90 minutes``, ``36 seconds``: as a person says it."""
    seconds = round(hours * 3600)
    if seconds >= 3600 and seconds % 3600 == 0:
        count = seconds // 3600
        return f"{count} hour{'' if count == 1 else 's'}"
    if seconds >= 2 * 3600:
        return f"{hours:.1f} hours"
    if seconds >= 60:
        minutes = round(seconds / 60)
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"
