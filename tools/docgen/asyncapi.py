"""The AsyncAPI 3.0 description of every topic, built from the routing table."""

from __future__ import annotations

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from shared.contracts import EVENT_TYPES
from shared.contracts.hr import FacultyRecord
from shared.contracts.routing import ROUTES, TopicRoute
from shared.contracts.topics import Topics
from shared.envelope import Envelope
from tools.docgen.dead_letters import DLQ_HEADERS

KAFKA_BINDING_VERSION = "0.5.0"
SCHEMA_REF = "#/components/schemas/{model}"


def asyncapi_document(version: str, *, partitions: int = 3) -> dict:
    """The whole document; topic names are shown without a prefix."""
    topics = Topics()
    channels: dict[str, dict] = {}
    operations: dict[str, dict] = {}
    for route in ROUTES:
        address = route.address(topics)
        dead_letters = route.dead_letter_address(topics)
        channels[address] = _channel(route, address, partitions)
        channels[dead_letters] = _dead_letter_channel(address, dead_letters)
        operations[f"{_action(route)}-{address}"] = _operation(route, address)
        operations[f"send-{dead_letters}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{dead_letters}"},
            "summary": f"Messages from {address} that can never be processed.",
            "messages": [{"$ref": f"#/channels/{dead_letters}/messages/DeadLetter"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "micromentor",
            "version": version,
            "description": (
                "Kafka topics of the faculty micro-mentoring backend. Every"
                " message except the HR feed is a JSON envelope whose `subject`"
                " is also the Kafka key. Operations are written from"
                " micromentor's side: it receives the HR feed and the portal"
                " submissions and sends everything else."
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": _messages(),
            "schemas": _schemas(),
        },
    }


def _action(route: TopicRoute) -> str:
    return "receive" if route.submitted_by_others else "send"


def _channel(route: TopicRoute, address: str, partitions: int) -> dict:
    consumers = ", ".join(route.consumers) or "no micromentor service"
    return {
        "address": address,
        "summary": route.summary,
        "description": (
            f"Written by {route.producer}; read by {consumers}."
            f" Kafka key: `{route.key}`."
        ),
        "messages": {
            event: {"$ref": f"#/components/messages/{event}"} for event in route.events
        },
        "bindings": {
            "kafka": {
                "topic": address,
                "partitions": partitions,
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _dead_letter_channel(source: str, address: str) -> dict:
    return {
        "address": address,
        "summary": f"Dead letters of {source}.",
        "description": (
            "The original key, value and headers of a message no consumer could"
            " ever process, plus headers saying where it came from and why."
        ),
        "messages": {"DeadLetter": {"$ref": "#/components/messages/DeadLetter"}},
        "bindings": {
            "kafka": {
                "topic": address,
                "partitions": 1,
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _operation(route: TopicRoute, address: str) -> dict:
    return {
        "action": _action(route),
        "channel": {"$ref": f"#/channels/{address}"},
        "summary": route.summary,
        "messages": [
            {"$ref": f"#/channels/{address}/messages/{event}"} for event in route.events
        ],
    }


def _messages() -> dict[str, dict]:
    messages: dict[str, dict] = {
        "FacultyRecord": {
            "name": "FacultyRecord",
            "title": "Faculty record",
            "summary": _first_line(FacultyRecord),
            "contentType": "application/json",
            "payload": {"$ref": SCHEMA_REF.format(model="FacultyRecord")},
            "bindings": {"kafka": _key_binding("employee_id")},
        }
    }
    for event, model in sorted(EVENT_TYPES.items()):
        route_key = _key_of(event)
        messages[event] = {
            "name": event,
            "title": event,
            "summary": _first_line(model),
            "contentType": "application/json",
            "payload": {"$ref": SCHEMA_REF.format(model=f"{event}Envelope")},
            "bindings": {"kafka": _key_binding(route_key)},
        }
    messages["DeadLetter"] = {
        "name": "DeadLetter",
        "title": "Dead letter",
        "summary": "The failed message's original bytes, unchanged.",
        "headers": {
            "type": "object",
            "properties": {
                name: {"type": "string", "description": meaning}
                for name, meaning in DLQ_HEADERS
            },
            "required": [name for name, _ in DLQ_HEADERS],
        },
        "payload": {
            "description": "Whatever the source message held, possibly not JSON."
        },
    }
    return messages


def _key_binding(key_field: str) -> dict:
    return {
        "key": {
            "type": "string",
            "description": f"The `{key_field}` of the aggregate (envelope subject).",
        },
        "bindingVersion": KAFKA_BINDING_VERSION,
    }


def _key_of(event: str) -> str:
    for route in ROUTES:
        if event in route.events:
            return route.key
    return "subject"


def _schemas() -> dict[str, dict]:
    models: list[type[BaseModel]] = [Envelope, FacultyRecord]
    models += [model for _name, model in sorted(EVENT_TYPES.items())]
    _, definitions = models_json_schema(
        [(model, "validation") for model in models], ref_template=SCHEMA_REF
    )
    schemas = dict(sorted(definitions["$defs"].items()))
    for event in sorted(EVENT_TYPES):
        schemas[f"{event}Envelope"] = {
            "allOf": [
                {"$ref": SCHEMA_REF.format(model="Envelope")},
                {
                    "type": "object",
                    "properties": {
                        "event_type": {"const": event},
                        "payload": {"$ref": SCHEMA_REF.format(model=event)},
                    },
                },
            ]
        }
    return schemas


def _first_line(model: type[BaseModel]) -> str:
    doc = (model.__doc__ or "").strip()
    return doc.splitlines()[0] if doc else model.__name__
