"""Who a letter is for and what it may mention besides the event itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from shared.contracts.catalogue import topic_catalogue


@dataclass(frozen=True)
class Contact:
    employee_id: str
    given_name: str
    family_name: str
    email: str

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True)
class Setting:
    """Everything a letter may use besides the event's own facts."""

    recipient: Contact
    people: Mapping[str, Contact]
    issued_at: datetime
    organizer_address: str
    portal_url: str | None = None
    organizer_name: str = "Faculty Micro-Mentoring Program"
    # The time zone of a mentor's availability, for times written to them.
    time_zones: Mapping[str, str] = field(default_factory=dict)

    def name_of(self, employee_id: str, otherwise: str) -> str:
        person = self.people.get(employee_id)
        return person.full_name if person else otherwise

    def portal_line(self) -> str:
        if self.portal_url:
            return f"the faculty micro-mentoring portal ({self.portal_url})"
        return "the faculty micro-mentoring portal"


def topic_title(slug: str) -> str:
    return topic_catalogue().get(slug, slug.replace("-", " ").capitalize())


def topic_phrase(slug: str) -> str:
    """The topic area as it reads inside a sentence."""
    title = topic_title(slug)
    return title[:1].lower() + title[1:]
