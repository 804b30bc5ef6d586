"""Response bodies of the directory API; only what a mentor chose to show."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.contracts.common import DepartmentScope, MeetingFormat, WeeklyAvailability


class TopicArea(BaseModel):
    slug: str = Field(examples=["academic-promotion"])
    title: str = Field(examples=["Understanding the academic promotion process"])


class MentorListing(BaseModel):
    """A mentor as mentees see them; HR-only facts are never included."""

    employee_id: str
    given_name: str
    family_name: str
    rank: str
    department: str
    division: str | None
    topics: list[TopicArea]
    statement: str
    meeting_formats: list[MeetingFormat]
    availability: WeeklyAvailability
    department_scope: DepartmentScope = Field(
        description="Whose mentees the mentor takes: their own department's, other"
        " departments', or both."
    )
    free_capacity: int = Field(
        ge=0, description="How many more mentees the mentor can take now."
    )


class MentorPage(BaseModel):
    items: list[MentorListing]
    total: int = Field(description="Mentors matching the search, on every page.")
    limit: int
    offset: int
    next_offset: int | None = Field(
        description="Offset of the next page; null on the last page."
    )
