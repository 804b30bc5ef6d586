"""Events about e-mails sent to people."""

from __future__ import annotations

import uuid

from shared.contracts.common import Contract, EmployeeId


class EmailDelivered(Contract):
    message_id: uuid.UUID
    recipient_employee_id: EmployeeId
    template: str
    source_event_id: uuid.UUID


class EmailDeliveryFailed(Contract):
    message_id: uuid.UUID
    recipient_employee_id: EmployeeId
    template: str
    source_event_id: uuid.UUID
    attempts: int
    reason: str
