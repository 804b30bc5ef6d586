"""Value types shared by several event contracts."""

from __future__ import annotations

from datetime import time
from enum import StrEnum
from typing import Annotated, Self, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

MAX_BIGINT = 2**63 - 1

NOT_BLANK = r"\S"
"""A pattern for text that must hold more than white space."""

EmployeeId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
TopicSlug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


C = TypeVar("C", bound="Contract")

# Validation context saying the JSON text was searched and holds no NUL,
# neither raw nor escaped.
_NUL_FREE_JSON = object()


class Contract(BaseModel):
    """Base of every payload: tolerant of fields added by newer producers."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="after")
    def _no_nul_characters(self, info: ValidationInfo) -> Self:
        # After, not before: a "before" model validator makes pydantic turn
        # JSON input into Python objects first, which doubles what decoding
        # a record costs. Fields are checked as stored; nested contracts
        # check their own.
        if info.context is not _NUL_FREE_JSON:
            for name, value in self.__dict__.items():
                if _has_nul(value):
                    raise ValueError(f"{name} must not contain NUL characters")
        return self


def validate_contract_json(contract: type[C], raw: bytes) -> C:
    """``contract.model_validate_json(raw)``, without walking every string for NUL
    when the text holds no escaped one (\\u0000). A raw NUL byte is a control
    character JSON does not allow, and the parser refuses it.
    """
    if b"\\u0000" in raw:
        return contract.model_validate_json(raw)
    return contract.model_validate_json(raw, context=_NUL_FREE_JSON)


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


class MeetingFormat(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"


class DepartmentScope(StrEnum):
    OWN = "own"
    OTHER = "other"
    BOTH = "both"


class AvailabilityWindow(Contract):
    """A weekly recurring window; weekday 0 is Monday."""

    weekday: int = Field(ge=0, le=6)
    start: time
    end: time

    @model_validator(mode="after")
    def _at_least_one_hour(self) -> AvailabilityWindow:
        minutes = (self.end.hour * 60 + self.end.minute) - (
            self.start.hour * 60 + self.start.minute
        )
        if minutes < 60:
            raise ValueError("an availability window must last at least one hour")
        return self


class WeeklyAvailability(Contract):
    time_zone: str = Field(description="IANA time zone name, e.g. America/New_York")
    windows: list[AvailabilityWindow] = Field(min_length=1, max_length=21)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value


def error_message(item: dict) -> str:
    """pydantic's message for one validation error, in plain words where needed."""
    if (
        item["type"] == "string_pattern_mismatch"
        and item.get("ctx", {}).get("pattern") == NOT_BLANK
    ):
        return "must not be blank"
    return item["msg"]
