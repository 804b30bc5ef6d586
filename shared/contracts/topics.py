"""Kafka topic names: the public interface of micromentor."""

from __future__ import annotations

from dataclasses import dataclass

DLQ_SUFFIX = ".dlq"


@dataclass(frozen=True)
class Topics:
    """Every topic the system reads or writes, optionally under a common prefix.

    The prefix lets several environments share one Kafka cluster
    (``staging.hr.faculty-records``); production normally leaves it empty.
    """

    prefix: str = ""

    def _name(self, base: str) -> str:
        return f"{self.prefix}{base}"

    @property
    def hr_faculty_records(self) -> str:
        return self._name("hr.faculty-records")

    @property
    def mentor_submissions(self) -> str:
        return self._name("portal.mentor-submissions")

    @property
    def mentoring_requests(self) -> str:
        return self._name("portal.mentoring-requests")

    @property
    def proposal_responses(self) -> str:
        return self._name("portal.proposal-responses")

    @property
    def session_reports(self) -> str:
        return self._name("portal.session-reports")

    @property
    def faculty(self) -> str:
        return self._name("profiles.faculty")

    @property
    def mentors(self) -> str:
        return self._name("profiles.mentors")

    @property
    def matching(self) -> str:
        return self._name("matching.requests")

    @property
    def engagements(self) -> str:
        return self._name("scheduling.engagements")

    @property
    def deliveries(self) -> str:
        return self._name("notifications.deliveries")

    def all(self) -> list[str]:
        """Every business topic, without the dead-letter topics."""
        return [
            self.hr_faculty_records,
            self.mentor_submissions,
            self.mentoring_requests,
            self.proposal_responses,
            self.session_reports,
            self.faculty,
            self.mentors,
            self.matching,
            self.engagements,
            self.deliveries,
        ]

    def all_with_dlq(self) -> list[str]:
        topics = self.all()
        return topics + [dead_letter_topic(topic) for topic in topics]


def dead_letter_topic(topic: str) -> str:
    return f"{topic}{DLQ_SUFFIX}"
