"""The topic areas mentors specialise in, with stable slugs."""

from __future__ import annotations

SEED_TOPIC_AREAS: dict[str, str] = {
    "clarifying-goals": "Clarifying academic and professional goals",
    "teaching-portfolio": "Developing a teaching portfolio",
    "research-agenda": "Developing a research agenda/focus",
    "research-collaborations": "Establishing research collaborations",
    "service-opportunities": "Selecting service opportunities",
    "professional-network": "Building a professional network",
    "mentoring-others": "Learning how to mentor others",
    "responding-to-feedback": "Responding to feedback",
    "academic-promotion": "Understanding the academic promotion process",
    "work-life-balance": "Finding work-life balance",
    "workplace-politics": "Handling workplace politics",
    "managing-expectations": "Managing expectations",
    "educator-development": "Professional development as an educator",
    "researcher-development": "Professional development as a researcher",
    "clinician-development": "Professional development as a clinician",
    "leader-development": "Professional development as a leader",
}


def topic_catalogue(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The seed areas plus any an operator added by configuration."""
    return {**SEED_TOPIC_AREAS, **(extra or {})}
