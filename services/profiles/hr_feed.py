"""The HR faculty feed: decoding records and applying them a batch at a time."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Awaitable, Callable

import structlog
from prometheus_client import Counter
from pydantic import ValidationError

from services.profiles.adapters import repository
from shared.contracts.common import validate_contract_json
from shared.contracts.hr import FacultyRecord
from shared.platform.batch import BatchOutcome
from shared.platform.db import UnitOfWork
from shared.platform.errors import PermanentMessageError
from shared.platform.inbound import Inbound, parse_json, schema_error

log = structlog.get_logger(__name__)

HR_NAMESPACE = uuid.UUID("6f1c1c8e-8f0e-4a53-9d7e-2f4b8e1e6a10")
_HASHED_NAMESPACE = hashlib.sha1(HR_NAMESPACE.bytes)
# The variant digit of a version 5 uuid, from the hash's digit in that place.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def correlation_id_of(message_id: str) -> str:
    """``str(uuid.uuid5(HR_NAMESPACE, message_id))``, without the UUID object.

    Every record of a bulk load needs one; the UUID class costs more than the hash.
    """
    hashed = _HASHED_NAMESPACE.copy()
    hashed.update(message_id.encode())
    digest = hashed.hexdigest()
    return (
        f"{digest[:8]}-{digest[8:12]}-5{digest[13:16]}"
        f"-{_VARIANT[digest[16]]}{digest[17:20]}-{digest[20:32]}"
    )


STALE_RECORDS = Counter(
    "micromentor_hr_records_stale_total",
    "HR records ignored because a record of the same or a newer version was stored.",
)

MentorRecheck = Callable[[UnitOfWork, FacultyRecord, uuid.UUID], Awaitable[None]]


def decode_hr_record(raw: bytes | None) -> Inbound:
    """HR records are plain JSON; (employee id, version) identifies each one."""
    try:
        # One pass in pydantic's JSON parser for the records that are fine ...
        record = validate_contract_json(FacultyRecord, raw or b"")
    except ValidationError:
        # ... and the step by step path to say exactly what is wrong with the rest.
        document = parse_json(raw)
        try:
            record = FacultyRecord.model_validate(document)
        except ValidationError as error:
            raise schema_error(
                error, "faculty record", event_type="FacultyRecord"
            ) from error
    message_id = f"{record.employee_id}:{record.record_version}"
    return Inbound(
        message_id=message_id,
        event_type="FacultyRecord",
        correlation_id=correlation_id_of(message_id),
        payload=record,
    )


def start_date_problem(record: FacultyRecord, today) -> PermanentMessageError | None:
    if record.service_start_date > today:
        return PermanentMessageError(
            f"service start date {record.service_start_date} is in the future",
            error_class="StartDateInFuture",
        )
    return None


def duplicate_email(owner: str) -> PermanentMessageError:
    return PermanentMessageError(
        f"e-mail address already belongs to employee {owner}",
        error_class="DuplicateEmail",
    )


async def apply_hr_batch(
    uow: UnitOfWork,
    messages: list[Inbound],
    *,
    today,
    faculty_topic: str,
    producer: str,
    recheck_mentor: MentorRecheck,
) -> BatchOutcome:
    """Apply a batch of HR records with set-based SQL.

    The outcome is exactly the one applying the records one by one, in the
    order given, would have. Their rules are played through in memory against
    what is stored (versions, and who holds each address), then the record
    each employee ends with is written in one statement:

    - a version no newer than the employee's current one changes nothing and
      is not checked further, so a redelivered or replayed record is ignored,
      never refused;
    - a record starting in the future is refused;
    - a record whose address another employee holds at that point is refused
      (addresses compared in lower case as the database's unique index has it);
    - an accepted record releases the employee's previous address.
    """
    refused: dict[str, PermanentMessageError] = {}
    accepted: dict[str, Inbound] = {}
    version: dict[str, int] = {}
    address_of: dict[str, str] = {}
    holder: dict[str, str] = {}
    current, folded = await repository.holders(
        uow.conn,
        list({m.payload.employee_id for m in messages}),
        list({m.payload.email for m in messages}),
    )
    for employee_id, stored_version, address in current:
        version[employee_id] = stored_version
        address_of[employee_id] = address
        holder[address] = employee_id
    stored_holder = dict(holder)
    for message in messages:
        record: FacultyRecord = message.payload
        employee_id = record.employee_id
        if record.record_version <= version.get(employee_id, -1):
            continue  # stale: reported as superseded below
        problem = start_date_problem(record, today)
        if problem is not None:
            refused[message.message_id] = problem
            continue
        address = folded[record.email]
        owner = holder.get(address)
        if owner is not None and owner != employee_id:
            refused[message.message_id] = duplicate_email(owner)
            continue
        previous = address_of.get(employee_id)
        if previous is not None and holder.get(previous) == employee_id:
            del holder[previous]
        holder[address] = employee_id
        address_of[employee_id] = address
        version[employee_id] = record.record_version
        accepted[employee_id] = message
    for employee_id in accepted:
        owner = stored_holder.get(address_of[employee_id])
        if owner is not None and owner != employee_id:
            # One statement cannot hand an address from one row to another
            # (the unique index is checked row by row); one at a time can.
            raise PermanentMessageError(
                "an e-mail address passes from one employee to another within the batch"
            )
    candidates = list(accepted.values())
    stored = await repository.store_and_announce(
        uow.conn,
        [m.payload for m in candidates],
        [m.correlation_id for m in candidates],
        topic=faculty_topic,
        producer=producer,
    )
    applied = [m for m in candidates if m.payload.employee_id in stored]
    for employee_id in (employee for employee, mentor in stored.items() if mentor):
        message = accepted[employee_id]
        await recheck_mentor(uow, message.payload, uuid.UUID(message.correlation_id))
    # Binding context per record costs even when the line is filtered out.
    if log.is_enabled_for(logging.INFO):
        for message in applied:
            with structlog.contextvars.bound_contextvars(
                event_id=message.message_id,
                event_type=message.event_type,
                correlation_id=message.correlation_id,
            ):
                log.info(
                    "faculty_record_applied",
                    employee_id=message.payload.employee_id,
                    record_version=message.payload.record_version,
                )
    applied_ids = {message.message_id for message in applied}
    superseded = {
        message.message_id
        for message in messages
        if message.message_id not in refused and message.message_id not in applied_ids
    }
    STALE_RECORDS.inc(len(superseded))
    return BatchOutcome(refused=refused, superseded=superseded)
