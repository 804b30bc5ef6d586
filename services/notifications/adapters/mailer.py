"""Turning a rendered letter into an e-mail and handing it to the SMTP server."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.utils import formataddr, formatdate

import aiosmtplib

from services.notifications.domain.prose import Email
from services.notifications.domain.setting import Contact
from services.notifications.settings import NotificationsSettings


def compose(
    message_id: uuid.UUID,
    email: Email,
    recipient: Contact,
    settings: NotificationsSettings,
) -> EmailMessage:
    """The MIME message; its Message-ID is fixed by the letter, so a resend matches."""
    domain = settings.from_address.rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["From"] = formataddr((settings.from_name, settings.from_address))
    message["To"] = formataddr((recipient.full_name, recipient.email))
    message["Subject"] = email.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<{message_id}@{domain}>"
    message.set_content(email.body)
    if email.calendar is not None:
        message.add_attachment(
            email.calendar,
            subtype="calendar",
            filename="invite.ics",
            params={"method": email.calendar_method},
        )
    return message


class SmtpMailer:
    def __init__(self, settings: NotificationsSettings) -> None:
        self.settings = settings

    async def send(self, message: EmailMessage) -> None:
        """Connect and log in with the short timeout, then give the relay time.

        Once the text is sent, the letter may already be on its way; a retry
        after an early give-up would be a second copy.
        """
        settings = self.settings
        password = settings.smtp_password
        client = aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            start_tls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=password.get_secret_value() if password else None,
            timeout=settings.smtp_timeout_s,
        )
        async with client:
            await client.send_message(message, timeout=settings.smtp_transfer_timeout_s)


def is_refused_for_good(error: Exception) -> bool:
    """True for 5xx answers: the server will never take this message."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(refusal.code >= 500 for refusal in error.recipients)
    code = getattr(error, "code", None)
    return isinstance(code, int) and code >= 500
