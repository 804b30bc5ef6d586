"""Which events travel on which topic, keyed by what, written and read by whom."""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.topics import Topics, dead_letter_topic

HR_SYSTEM = "hr-system"
FACULTY_PORTAL = "faculty-portal"


@dataclass(frozen=True)
class TopicRoute:
    """One topic of the public interface.

    ``topic`` is the name of the ``Topics`` property, so a route resolves under
    any prefix. ``consumers`` lists the micromentor services that subscribe;
    anyone else may subscribe too. ``enveloped`` is False only for the HR feed,
    whose messages are bare ``FacultyRecord`` documents.
    """

    topic: str
    key: str
    producer: str
    consumers: tuple[str, ...]
    events: tuple[str, ...]
    summary: str
    enveloped: bool = True

    def address(self, topics: Topics) -> str:
        return getattr(topics, self.topic)

    def dead_letter_address(self, topics: Topics) -> str:
        return dead_letter_topic(self.address(topics))

    @property
    def submitted_by_others(self) -> bool:
        return self.producer in (HR_SYSTEM, FACULTY_PORTAL)


ROUTES: tuple[TopicRoute, ...] = (
    TopicRoute(
        topic="hr_faculty_records",
        key="employee_id",
        producer=HR_SYSTEM,
        consumers=("profiles",),
        events=("FacultyRecord",),
        summary="Faculty records as HR knows them; the newest record_version wins.",
        enveloped=False,
    ),
    TopicRoute(
        topic="mentor_submissions",
        key="employee_id",
        producer=FACULTY_PORTAL,
        consumers=("profiles",),
        events=(
            "MentorVolunteered",
            "MentorProfileUpdated",
            "MentorPauseRequested",
            "MentorResumeRequested",
            "MentorWithdrawalRequested",
        ),
        summary="A faculty member offers to mentor, or a mentor changes their offer.",
    ),
    TopicRoute(
        topic="mentoring_requests",
        key="request_id",
        producer=FACULTY_PORTAL,
        consumers=("matching",),
        events=("RequestSubmitted", "RequestCancellationSubmitted"),
        summary="A mentee asks for micro-mentoring on one topic area, or cancels.",
    ),
    TopicRoute(
        topic="proposal_responses",
        key="request_id",
        producer=FACULTY_PORTAL,
        consumers=("matching",),
        events=("ProposalAccepted", "ProposalDeclined"),
        summary="The proposed mentor answers a match proposal.",
    ),
    TopicRoute(
        topic="session_reports",
        key="engagement_id",
        producer=FACULTY_PORTAL,
        consumers=("scheduling",),
        events=("SessionReported",),
        summary="The mentor or the mentee reports a meeting held.",
    ),
    TopicRoute(
        topic="faculty",
        key="employee_id",
        producer="profiles",
        consumers=("matching", "scheduling", "notifications"),
        events=("FacultyProfileChanged", "FacultyDataErased"),
        summary="The accepted HR facts about each faculty member.",
    ),
    TopicRoute(
        topic="mentors",
        key="employee_id",
        producer="profiles",
        consumers=("matching", "notifications"),
        events=(
            "MentorApproved",
            "MentorRejected",
            "MentorProfileChanged",
            "MentorChangeRejected",
            "MentorPaused",
            "MentorResumed",
            "MentorWithdrawn",
            "MentorDeactivated",
            "MentorRestored",
        ),
        summary="Profiles' decisions about volunteers and the state of each mentor.",
    ),
    TopicRoute(
        topic="matching",
        key="request_id",
        producer="matching",
        consumers=("scheduling", "notifications"),
        events=(
            "RequestRejected",
            "RequestWaitlisted",
            "MatchProposed",
            "ProposalResponseRejected",
            "MatchConfirmed",
            "PreferredMentorUnavailable",
            "ProposalWithdrawn",
            "RequestCancelled",
            "RequestCancellationRejected",
        ),
        summary="What happened to each mentoring request and its proposals.",
    ),
    TopicRoute(
        topic="engagements",
        key="engagement_id",
        producer="scheduling",
        consumers=("profiles", "matching", "notifications"),
        events=(
            "EngagementOpened",
            "SessionScheduled",
            "SessionNotBooked",
            "SessionCancelled",
            "SessionReportRejected",
            "SessionCompleted",
            "EngagementClosed",
        ),
        summary="Engagements between a mentee and a mentor, and their sessions.",
    ),
    TopicRoute(
        topic="deliveries",
        key="message_id",
        producer="notifications",
        consumers=(),
        events=("EmailDelivered", "EmailDeliveryFailed"),
        summary="The outcome of every e-mail sent to a faculty member.",
    ),
)


def route_of_event(event_type: str) -> TopicRoute:
    """The route carrying ``event_type``; KeyError when no topic carries it."""
    for route in ROUTES:
        if event_type in route.events:
            return route
    raise KeyError(event_type)
