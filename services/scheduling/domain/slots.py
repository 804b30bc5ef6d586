"""Where a one-hour meeting fits: whole hours inside the mentor's weekly windows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.contracts.common import WeeklyAvailability

MEETING_LENGTH = timedelta(hours=1)


@dataclass(frozen=True)
class Slot:
    """A meeting time in UTC."""

    starts_at: datetime
    ends_at: datetime

    def overlaps(self, other: Slot) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


def candidate_slots(
    availability: WeeklyAvailability, *, not_before: datetime, weeks: int
) -> Iterator[Slot]:
    """Every whole-hour slot in the windows, earliest first, from ``not_before``.

    Hours are counted on the mentor's wall clock, so a 09:00 window stays at
    09:00 local time across daylight-saving changes; a wall time skipped by the
    clock change does not exist and is never offered.
    """
    zone = ZoneInfo(availability.time_zone)
    first_day = not_before.astimezone(zone).date()
    for offset in range(weeks * 7 + 1):
        day = first_day + timedelta(days=offset)
        for starts_at in sorted(_slots_on(day, availability, zone)):
            if starts_at >= not_before:
                yield Slot(starts_at, starts_at + MEETING_LENGTH)


def _slots_on(
    day: date, availability: WeeklyAvailability, zone: ZoneInfo
) -> set[datetime]:
    found = set()
    for window in availability.windows:
        if window.weekday != day.weekday():
            continue
        hour = window.start.hour + (1 if window.start.minute else 0)
        for start_hour in range(hour, 24):
            local = datetime.combine(day, time(start_hour), tzinfo=zone)
            if not _exists(local):
                continue
            starts_at = local.astimezone(UTC)
            local_end = (starts_at + MEETING_LENGTH).astimezone(zone)
            if local_end.date() != day or local_end.time() > window.end:
                break
            found.add(starts_at)
    return found


def _exists(local: datetime) -> bool:
    """False for wall times inside a spring-forward gap."""
    round_trip = local.astimezone(UTC).astimezone(local.tzinfo)
    return round_trip.replace(tzinfo=None) == local.replace(tzinfo=None)


def first_free_slot(candidates: Iterable[Slot], busy: Iterable[Slot]) -> Slot | None:
    """The earliest candidate that overlaps none of the busy times."""
    busy = list(busy)
    for slot in candidates:
        if not any(slot.overlaps(taken) for taken in busy):
            return slot
    return None
