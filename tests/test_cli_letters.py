"""``micromentor letters resend-failed`` against a running notifications process."""

from __future__ import annotations

import httpx
from typer.testing import CliRunner

from micromentor.cli import app
from micromentor.embedded.ports import free_port
from micromentor.embedded.smtp import EmbeddedSmtp
from tests.kafka import wait_until
from tests.test_notifications_service import (
    publish_contacts,
    session_completed,
    settings_for,
)


async def test_resend_failed_puts_a_failed_letter_back_and_it_is_delivered(
    env, tmp_path
):
    smtp_port = free_port()
    process = await env.start_process(
        "notifications", settings_for(env, smtp_port, max_delivery_attempts=1)
    )
    service = f"http://127.0.0.1:{process.http_port}"
    await publish_contacts(env, "E720", "M720")
    await env.kafka.publish(env.topics.engagements, session_completed("E720", "M720"))

    async def counts() -> dict:
        async with httpx.AsyncClient(trust_env=False) as client:
            return (await client.get(f"{service}/v1/summary")).json()

    async def failed_once() -> bool:
        return (await counts())["emails_failed"] == 1

    await wait_until(failed_once, what="the letter to fail while SMTP is down")
    server = EmbeddedSmtp(port=smtp_port, mail_dir=tmp_path / "mail")
    server.start()
    try:
        result = CliRunner().invoke(
            app, ["letters", "resend-failed", "--url", service, "--to", "E720"]
        )

        async def delivered() -> bool:
            return (await counts())["emails_delivered"] == 1

        await wait_until(delivered, what="the letter delivered after the resend")
    finally:
        server.stop()

    assert result.exit_code == 0, result.output
    assert "1 failed letter to E720 put back in the queue" in result.output
    assert len(server.messages()) == 1


def test_resend_failed_without_a_stack_or_url_says_what_to_pass(tmp_path):
    result = CliRunner().invoke(
        app, ["letters", "resend-failed", "--data-dir", str(tmp_path)]
    )

    assert result.exit_code == 2
    assert "pass --url" in result.output
