"""Matching's reasons for a proposal, retold to the mentor as one sentence."""

from __future__ import annotations

import re
from collections.abc import Callable

Spoken = Callable[[re.Match], str]


def _places(match: re.Match) -> str:
    free, capacity = int(match[1]), int(match[2])
    if capacity == 1:
        return "your mentee place is free"
    if free == capacity:
        every = "both" if capacity == 2 else f"all {capacity}"
        return f"{every} of your mentee places are free"
    verb = "is" if free == 1 else "are"
    return f"{free} of your {capacity} mentee places {verb} free"


def _sessions(match: re.Match) -> str:
    count = int(match[1])
    return f"you have held {count} mentoring session{'' if count == 1 else 's'}"


# Matching writes its reasons about the mentor in the third person, for the
# office; the letter speaks to the mentor. A reason not listed is kept as is.
_TO_THE_MENTOR: tuple[tuple[str, Spoken], ...] = (
    (r"named by the mentee", lambda m: "your colleague asked for you by name"),
    (
        r"offers the topic and has a free place",
        lambda m: "you mentor in this topic area and have a place free",
    ),
    (
        r"their statement (\w+) matches the need",
        lambda m: f"your mentoring statement {m[1]} matches their need",
    ),
    (r"(\d+) of (\d+) mentee places? free", _places),
    (r"never asked before", lambda m: "you have not been asked before"),
    (r"last asked (.+)", lambda m: f"you were last asked {m[1]}"),
    (
        r"([\d.]+ hours?) a week in common with the mentee's availability",
        lambda m: f"your weekly availability overlaps theirs by {m[1]}",
    ),
    (
        r"in the mentee's own department, as asked",
        lambda m: "you are in their own department, as they asked",
    ),
    (r"in another department", lambda m: "you are in another department"),
    (r"(\d+) mentoring sessions? held", _sessions),
)


def _spoken(reason: str) -> str | None:
    for pattern, speak in _TO_THE_MENTOR:
        match = re.fullmatch(pattern, reason)
        if match:
            return speak(match)
    return None


def reasons_in(rationale: str) -> list[str]:
    """The separate reasons, without a ``main factors:`` label, told to the mentor.

    Reasons are separated by semicolons and commas; a comma inside a reason
    ("in the mentee's own department, as asked") is kept when the pieces
    together make a known reason.
    """
    pieces = []
    for part in rationale.split(";"):
        part = part.strip().removeprefix("main factors:").strip()
        pieces.extend(piece.strip() for piece in part.split(",") if piece.strip())
    reasons: list[str] = []
    for piece in pieces:
        joined = f"{reasons[-1]}, {piece}" if reasons else None
        if joined and _spoken(piece) is None and _spoken(joined) is not None:
            reasons[-1] = joined
        else:
            reasons.append(piece)
    return [_spoken(reason) or reason.rstrip(".") for reason in reasons]


def why_you(rationale: str) -> str:
    """A sentence telling the mentor why they were suggested; empty without reasons."""
    reasons = reasons_in(rationale)
    if not reasons:
        return ""
    listed = reasons[0]
    if len(reasons) > 1:
        listed = ", ".join(reasons[:-1]) + " and " + reasons[-1]
    return f"We suggested you because {listed[:1].lower()}{listed[1:]}."
