"""The background poller that expires unanswered proposals and moves on."""

from __future__ import annotations

import asyncio

import structlog

from services.matching.adapters import requests
from services.matching.metrics import EXPIRY_POLL_FAILURES
from services.matching.proposing import Matchmaker
from shared.platform.errors import backoff_delay
from shared.platform.runtime import ServiceContext

log = structlog.get_logger(__name__)


async def expire_proposals(ctx: ServiceContext) -> None:
    """Expire due proposals one transaction each; outages are logged and retried."""
    matchmaker = Matchmaker(ctx.settings, ctx.topics)
    failures = 0
    while True:
        try:
            expired = await expire_one_due_proposal(ctx, matchmaker)
            failures = 0
        except asyncio.CancelledError:
            raise
        except Exception as error:
            failures += 1
            EXPIRY_POLL_FAILURES.inc()
            delay = backoff_delay(
                failures,
                initial=ctx.settings.retry_initial_backoff_s,
                maximum=ctx.settings.retry_max_backoff_s,
            )
            log.warning(
                "proposal_expiry_failed_will_retry",
                error_class=type(error).__name__,
                error=str(error)[:500],
                attempt=failures,
                retry_in_s=round(delay, 2),
            )
            await asyncio.sleep(delay)
            continue
        if not expired:
            await asyncio.sleep(ctx.settings.expiry_poll_interval_s)


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
        await matchmaker.withdraw_unanswered(uow, proposal, "expired", cause=None)
        return True
