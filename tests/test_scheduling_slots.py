"""Finding a meeting time, as plain rules without a broker or database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.scheduling.domain.cancellation import sessions_to_call_off
from services.scheduling.domain.engagements import earliest_start, report_problem
from services.scheduling.domain.slots import Slot, candidate_slots, first_free_slot
from shared.contracts.common import WeeklyAvailability


def weekly(zone: str, *windows: tuple[int, str, str]) -> WeeklyAvailability:
    return WeeklyAvailability.model_validate(
        {
            "time_zone": zone,
            "windows": [
                {"weekday": day, "start": start, "end": end}
                for day, start, end in windows
            ],
        }
    )


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_the_first_slot_is_the_first_whole_hour_of_the_next_window():
    tuesdays = weekly("America/New_York", (1, "09:30", "12:00"))
    monday_noon = utc(2027, 1, 4, 17)

    first = next(candidate_slots(tuesdays, not_before=monday_noon, weeks=1))

    assert first == Slot(utc(2027, 1, 5, 15), utc(2027, 1, 5, 16))


def test_slots_never_run_past_the_end_of_a_window():
    tuesdays = weekly("UTC", (1, "09:00", "11:30"))

    slots = list(candidate_slots(tuesdays, not_before=utc(2027, 1, 4), weeks=1))

    assert [slot.starts_at.hour for slot in slots] == [9, 10]


def test_a_window_keeps_its_local_hour_across_the_daylight_saving_change():
    sundays = weekly("America/New_York", (6, "09:00", "10:00"))

    slots = list(candidate_slots(sundays, not_before=utc(2027, 3, 1), weeks=3))

    # 14 March 2027 is the spring-forward Sunday: 09:00 EST is 14:00 UTC before
    # it and 09:00 EDT is 13:00 UTC from it on.
    assert [slot.starts_at for slot in slots] == [
        utc(2027, 3, 7, 14),
        utc(2027, 3, 14, 13),
        utc(2027, 3, 21, 13),
    ]


def test_a_wall_time_skipped_by_the_clock_change_is_never_offered():
    early_sunday = weekly("America/New_York", (6, "02:00", "04:00"))

    slots = list(candidate_slots(early_sunday, not_before=utc(2027, 3, 13), weeks=1))

    # 02:00 does not exist on 14 March 2027; 03:00 EDT is 07:00 UTC.
    assert [slot.starts_at for slot in slots] == [utc(2027, 3, 14, 7)]


def test_slots_before_the_earliest_start_are_skipped():
    tuesdays = weekly("UTC", (1, "09:00", "12:00"))

    first = next(candidate_slots(tuesdays, not_before=utc(2027, 1, 5, 10, 1), weeks=1))

    assert first.starts_at == utc(2027, 1, 5, 11)


def test_a_busy_hour_is_skipped_even_when_it_only_partly_overlaps():
    candidates = [
        Slot(utc(2027, 1, 5, 9), utc(2027, 1, 5, 10)),
        Slot(utc(2027, 1, 5, 10), utc(2027, 1, 5, 11)),
    ]
    busy = [Slot(utc(2027, 1, 5, 9, 30), utc(2027, 1, 5, 10, 0))]

    assert first_free_slot(candidates, busy) == candidates[1]


def test_no_slot_is_found_when_every_candidate_is_taken():
    candidates = [Slot(utc(2027, 1, 5, 9), utc(2027, 1, 5, 10))]

    assert first_free_slot(candidates, candidates) is None


def test_the_next_meeting_waits_both_for_notice_and_for_the_gap():
    now = utc(2027, 1, 20)
    held = utc(2027, 1, 18)

    earliest = earliest_start(
        now, lead_time=timedelta(hours=48), after=held, gap=timedelta(days=7)
    )

    assert earliest == utc(2027, 1, 25)


def test_a_report_from_someone_outside_the_engagement_is_refused():
    problem = report_problem(
        actor="E9", mentor="E1", mentee="E2", session_status="scheduled"
    )

    assert problem.reason_code == "not_participant"


def test_a_meeting_already_reported_cannot_be_reported_again():
    problem = report_problem(
        actor="E2", mentor="E1", mentee="E2", session_status="completed"
    )

    assert problem.reason_code == "session_not_scheduled"


def test_only_meetings_not_yet_started_are_called_off_in_booking_order():
    now = datetime(2027, 1, 12, 14, 30, tzinfo=UTC)
    sessions = [
        {"sequence": 3, "status": "scheduled", "starts_at": now + timedelta(days=9)},
        {"sequence": 2, "status": "scheduled", "starts_at": now + timedelta(days=2)},
        {"sequence": 1, "status": "scheduled", "starts_at": now - timedelta(hours=1)},
        {"sequence": 0, "status": "completed", "starts_at": now - timedelta(days=7)},
    ]

    called_off = sessions_to_call_off(sessions, now=now)

    assert [session["sequence"] for session in called_off] == [2, 3]
