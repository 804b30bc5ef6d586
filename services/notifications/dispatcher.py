"""The background sender: claims due letters, sends them, records the outcome."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import aiosmtplib
import asyncpg
import structlog

from services.notifications.adapters import repository, time_zones
from services.notifications.adapters.mailer import (
    SmtpMailer,
    compose,
    is_refused_for_good,
)
from services.notifications.domain.erasure import ERASED, ERASED_DETAIL
from services.notifications.domain.letters import render
from services.notifications.domain.setting import Setting
from services.notifications.outcomes import delivery_failed, emit_outcome
from services.notifications.settings import NotificationsSettings
from shared.contracts.notifications import EmailDelivered
from shared.contracts.topics import Topics
from shared.platform.db import Database, UnitOfWork
from shared.platform.errors import backoff_delay
from shared.platform.polling import poll_forever
from shared.platform.runtime import ServiceContext

log = structlog.get_logger(__name__)
_SMTP_FAILURES = (aiosmtplib.SMTPException, OSError, TimeoutError)


async def dispatch_emails(ctx: ServiceContext) -> None:
    """Send due e-mails until the service stops."""
    await EmailDispatcher(
        ctx.settings, ctx.topics, ctx.db, SmtpMailer(ctx.settings), ctx.stopping
    ).run()


class EmailDispatcher:
    def __init__(
        self,
        settings: NotificationsSettings,
        topics: Topics,
        db: Database,
        mailer: SmtpMailer,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self.settings = settings
        self.topics = topics
        self.db = db
        self.mailer = mailer
        # Set when the service stops: letters being sent are finished and
        # recorded, no new ones are taken, so none is sent twice after a restart.
        self.stopping = stopping or asyncio.Event()

    async def run(self) -> None:
        """Poll for due letters; a database outage is logged and waited out."""
        settings = self.settings
        await poll_forever(
            self.dispatch_due,
            task="email_dispatch",
            interval_s=settings.dispatch_poll_interval_s,
            batch_size=settings.dispatch_batch_size,
            initial_backoff_s=settings.dispatch_poll_interval_s,
            max_backoff_s=settings.retry_max_backoff_s,
            stopping=self.stopping,
        )

    async def dispatch_due(self) -> int:
        """Handle up to one batch of due letters; returns how many were handled.

        Several senders work at once; each claims its letter with SKIP LOCKED,
        so no letter is taken twice.
        """
        senders = self.settings.dispatch_concurrency
        share = max(1, self.settings.dispatch_batch_size // senders)

        async def send_share() -> int:
            handled = 0
            while (
                handled < share
                and not self.stopping.is_set()
                and await self.dispatch_one()
            ):
                handled += 1
            return handled

        return sum(await asyncio.gather(*(send_share() for _ in range(senders))))

    async def dispatch_one(self) -> bool:
        """Send one due letter in its own transaction; False when none is due."""
        async with self.db.unit_of_work() as uow:
            message = await repository.claim_due(uow.conn)
            if message is None:
                return False
            with structlog.contextvars.bound_contextvars(
                message_id=str(message["message_id"]), template=message["template"]
            ):
                await self._deliver(uow, message)
        return True

    async def _deliver(self, uow: UnitOfWork, message: asyncpg.Record) -> None:
        facts = message["facts"]
        people = await repository.contacts_for(
            uow.conn,
            [message["recipient_employee_id"], *_people_in(facts)],
        )
        recipient = people.get(message["recipient_employee_id"])
        if recipient is None and await repository.is_erased(
            uow.conn, message["recipient_employee_id"]
        ):
            await self._give_up(uow, message, ERASED, ERASED_DETAIL)
            return
        if recipient is None:
            await self._give_up(
                uow,
                message,
                "no_contact",
                "no e-mail address became known for the recipient in time",
            )
            return
        setting = Setting(
            recipient=recipient,
            people=people,
            issued_at=message["created_at"],
            organizer_address=self.settings.from_address,
            organizer_name=self.settings.from_name,
            portal_url=self.settings.portal_url,
            time_zones=await time_zones.time_zones_for(uow.conn, people),
        )
        try:
            email = render(message["template"], facts, setting)
        except Exception as error:
            log.error("email_render_failed", error=repr(error)[:500], exc_info=True)
            await self._give_up(uow, message, "render_failed", repr(error)[:500])
            return
        mime = compose(message["message_id"], email, recipient, self.settings)
        try:
            await self.mailer.send(mime)
        except _SMTP_FAILURES as error:
            await self._after_smtp_failure(uow, message, error)
            return
        await repository.mark_delivered(uow.conn, message["message_id"])
        await self._emit(
            uow,
            message,
            EmailDelivered(
                message_id=message["message_id"],
                recipient_employee_id=message["recipient_employee_id"],
                template=message["template"],
                source_event_id=message["source_event_id"],
            ),
        )
        log.info("email_delivered", attempts=message["attempts"] + 1)

    async def _after_smtp_failure(
        self, uow: UnitOfWork, message: asyncpg.Record, error: Exception
    ) -> None:
        attempts = message["attempts"] + 1
        detail = f"{type(error).__name__}: {error}"[:500]
        if is_refused_for_good(error):
            await self._give_up(uow, message, "smtp_refused", detail, attempts)
            return
        if attempts >= self.settings.max_delivery_attempts:
            await self._give_up(uow, message, "smtp_unavailable", detail, attempts)
            return
        delay = backoff_delay(
            attempts,
            initial=self.settings.delivery_backoff_initial_s,
            maximum=self.settings.delivery_backoff_max_s,
        )
        await repository.postpone(
            uow.conn,
            message["message_id"],
            next_attempt_at=datetime.now(UTC) + timedelta(seconds=delay),
            error=detail,
        )
        log.warning(
            "email_delivery_postponed",
            attempts=attempts,
            retry_in_s=round(delay, 2),
            error=detail,
        )

    async def _give_up(
        self,
        uow: UnitOfWork,
        message: asyncpg.Record,
        reason_code: str,
        detail: str,
        attempts: int | None = None,
    ) -> None:
        attempts = message["attempts"] if attempts is None else attempts
        reason = f"{reason_code}: {detail}"
        await repository.mark_failed(
            uow.conn, message["message_id"], attempts=attempts, error=reason
        )
        await self._emit(
            uow, message, delivery_failed(message, attempts=attempts, reason=reason)
        )
        log.warning("email_delivery_failed", reason_code=reason_code, attempts=attempts)

    async def _emit(self, uow: UnitOfWork, message: asyncpg.Record, payload) -> None:
        await emit_outcome(uow, self.topics, message, payload)


def _people_in(facts: dict) -> list[str]:
    """Everyone a letter may name: every employee id among the event's facts."""
    return [
        value
        for key, value in facts.items()
        if key.endswith("employee_id") and isinstance(value, str)
    ]
