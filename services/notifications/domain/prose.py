"""The shared wording of every letter: greeting, signature, dates and times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
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


def zone_label(zone: str) -> str:
    """A time zone as people say it, with its exact name for calendar settings."""
    if "/" not in zone:
        return zone
    place = zone.rsplit("/", 1)[1].replace("_", " ")
    return f"{place} time ({zone})"


def meeting_time(starts_at: str, ends_at: str, zone: str) -> str:
    local_zone = ZoneInfo(zone)
    start = datetime.fromisoformat(starts_at).astimezone(local_zone)
    end = datetime.fromisoformat(ends_at).astimezone(local_zone)
    return f"{long_date(start)}, {start:%H:%M} to {end:%H:%M} {zone_label(zone)}"


def long_date(moment: datetime | date) -> str:
    return f"{moment:%A}, {moment.day} {moment:%B %Y}"


def deadline(value: str, zone: str | None) -> str:
    """A moment in the reader's time zone when known, otherwise plainly in UTC."""
    if zone is None:
        moment = datetime.fromisoformat(value).astimezone(UTC)
        return f"{long_date(moment)} at {moment:%H:%M} (UTC)"
    moment = datetime.fromisoformat(value).astimezone(ZoneInfo(zone))
    return f"{long_date(moment)} at {moment:%H:%M} {zone_label(zone)}"


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
