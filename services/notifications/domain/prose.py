"""The shared wording of every letter: greeting, signature, dates and times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.notifications.domain.setting import Setting

SIGNATURE = "With best regards,\nThe Faculty Micro-Mentoring Program\nFaculty Affairs"

MEETING_FORMATS = {
    "video": "a video call",
    "in_person": "an in-person meeting",
    "phone": "a phone call",
}


@dataclass(frozen=True)
class Email:
    subject: str
    body: str
    calendar: str | None = None
    calendar_method: str = "REQUEST"


def meeting_time(starts_at: str, ends_at: str, zone: str) -> str:
    local_zone = ZoneInfo(zone)
    start = datetime.fromisoformat(starts_at).astimezone(local_zone)
    end = datetime.fromisoformat(ends_at).astimezone(local_zone)
    return (
        f"{long_date(start)}, {start:%H:%M} to {end:%H:%M}"
        f" ({zone.replace('_', ' ')} time)"
    )


def long_date(moment: datetime | date) -> str:
    return f"{moment:%A}, {moment.day} {moment:%B %Y}"


def utc_deadline(value: str) -> str:
    moment = datetime.fromisoformat(value)
    return f"{long_date(moment)} at {moment:%H:%M} UTC"


def meetings_phrase(count: int) -> str:
    words = {1: "one one-hour meeting", 2: "two one-hour meetings"}
    return words.get(count, f"{count} one-hour meetings")


def letter(setting: Setting, *paragraphs: str) -> str:
    """The body: greeting by full name, the paragraphs, the signature."""
    greeting = f"Dear {setting.recipient.full_name},"
    return "\n\n".join([greeting, *paragraphs, SIGNATURE]) + "\n"


def quoted(text: str) -> str:
    """Someone's own words, indented so they read as a quotation."""
    return "\n".join(f"    {line}" for line in text.splitlines() or [""])
