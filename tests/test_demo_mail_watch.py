"""The demo waits for every letter that can go out, not for letters nobody can get."""

from __future__ import annotations

from types import SimpleNamespace

from micromentor.demo import scenario


def watch_reading(monkeypatch, summaries: list[dict]) -> scenario._MailWatch:
    answers = iter(summaries)

    async def fetch_summaries(_info):
        return {"notifications": next(answers)}

    monkeypatch.setattr(scenario, "fetch_summaries", fetch_summaries)
    return scenario._MailWatch(SimpleNamespace(http_ports={"notifications": 1}))


def counts(pending: int, awaiting: int, delivered: int = 0) -> dict:
    return {
        "emails_delivered": delivered,
        "emails_pending": pending,
        "emails_awaiting_address": awaiting,
        "emails_failed": 0,
    }


async def test_letters_that_can_go_out_are_waited_for(monkeypatch):
    watch = watch_reading(monkeypatch, [counts(3, 2), counts(0, 0, delivered=3)])
    monkeypatch.setattr(scenario, "ADDRESS_WAIT_S", 0.0)
    await watch.refresh(force=True)
    assert not watch.settled  # one of the three has an address
    await watch.refresh(force=True)
    assert watch.settled
    assert watch.delivered == 3


async def test_letters_long_waiting_for_an_address_are_not_waited_for(monkeypatch):
    watch = watch_reading(monkeypatch, [counts(2, 2), counts(2, 2), counts(2, 1)])
    monkeypatch.setattr(scenario, "ADDRESS_WAIT_S", 3600.0)
    await watch.refresh(force=True)
    assert not watch.settled  # their addresses may be on their way

    monkeypatch.setattr(scenario, "ADDRESS_WAIT_S", 0.0)
    await watch.refresh(force=True)
    assert watch.settled
    assert watch.expected == 2

    monkeypatch.setattr(scenario, "ADDRESS_WAIT_S", 3600.0)
    await watch.refresh(force=True)  # an address arrived: one can go out now
    assert not watch.settled
