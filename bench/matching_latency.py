"""RequestSubmitted -> MatchProposed latency at a steady request rate."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
import uuid
from datetime import date

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.harness import BenchStack
from shared.contracts.catalogue import SEED_TOPIC_AREAS
from shared.contracts.hr import AppointmentType, EmploymentStatus
from shared.contracts.matching import RequestSubmitted
from shared.contracts.profiles import FacultyProfileChanged, MentorApproved
from shared.envelope import Envelope, new_event

TOPICS = sorted(SEED_TOPIC_AREAS)
DEPARTMENTS = [f"Department {n}" for n in range(24)]


def faculty_event(n: int) -> Envelope:
    return new_event(
        FacultyProfileChanged(
            employee_id=f"F{n:06d}",
            given_name="Bench",
            family_name=f"Member{n}",
            email=f"f{n:06d}@bench.example.edu",
            department=DEPARTMENTS[n % len(DEPARTMENTS)],
            rank="professor",
            appointment_type=AppointmentType.FULL_TIME_REGULAR,
            employment_status=EmploymentStatus.ACTIVE,
            record_version=1,
        ),
        subject=f"F{n:06d}",
        producer="profiles",
    )


def mentor_event(n: int, *, capacity: int) -> Envelope:
    employee_id = f"F{n:06d}"
    return new_event(
        MentorApproved(
            employee_id=employee_id,
            topics=[TOPICS[n % 16], TOPICS[(n * 7 + 3) % 16], TOPICS[(n * 5 + 1) % 16]],
            statement="Experienced faculty mentor.",
            max_mentees=capacity,
            meeting_formats=["video"],
            availability={
                "time_zone": "America/New_York",
                "windows": [{"weekday": n % 5, "start": "09:00", "end": "12:00"}],
            },
            department=DEPARTMENTS[n % len(DEPARTMENTS)],
        ),
        subject=employee_id,
        producer="profiles",
    )


def request_event(mentee: int, topic: str) -> Envelope:
    mentee_id = f"F{mentee:06d}"
    request_id = uuid.uuid4()
    return new_event(
        RequestSubmitted(
            request_id=request_id,
            mentee_employee_id=mentee_id,
            topic=topic,
            need_statement="I would like advice on preparing my dossier.",
            meetings=1,
        ),
        subject=str(request_id),
        producer="faculty-portal",
        actor=mentee_id,
    )


async def seed(
    producer: AIOKafkaProducer,
    stack: BenchStack,
    *,
    faculty: int,
    mentors: int,
    capacity: int,
) -> None:
    for n in range(faculty):
        event = faculty_event(n)
        await producer.send(
            stack.topics.faculty, event.to_bytes(), key=event.key_bytes()
        )
    for n in range(mentors):
        event = mentor_event(n, capacity=capacity)
        await producer.send(
            stack.topics.mentors, event.to_bytes(), key=event.key_bytes()
        )
    await producer.flush()


async def wait_for_projection(stack: BenchStack, mentors: int, timeout_s: float = 300):
    import asyncpg

    conn = await asyncpg.connect(stack.postgres.url())
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with contextlib.suppress(asyncpg.UndefinedTableError):
                if (
                    await conn.fetchval("SELECT count(*) FROM matching.mentors")
                    >= mentors
                ):
                    return
            await asyncio.sleep(0.5)
        raise RuntimeError("matching did not load the mentor projection in time")
    finally:
        await conn.close()


async def measure(
    stack: BenchStack, *, rate: float, seconds: float, mentee_offset: int
) -> dict:
    """Send ``rate`` requests per second for ``seconds``; time each proposal."""
    producer = AIOKafkaProducer(
        bootstrap_servers=stack.broker.bootstrap_servers, acks="all", linger_ms=0
    )
    consumer = AIOKafkaConsumer(
        stack.topics.matching,
        bootstrap_servers=stack.broker.bootstrap_servers,
        auto_offset_reset="latest",
        enable_auto_commit=False,
        fetch_max_wait_ms=20,
    )
    await producer.start()
    await consumer.start()
    await consumer.seek_to_end()
    sent: dict[str, float] = {}
    sent_wall: dict[str, float] = {}
    latencies: list[float] = []
    to_decision: list[float] = []
    outcomes: dict[str, int] = {}
    total = int(rate * seconds)

    async def collect() -> None:
        resolved = 0
        while resolved < total:
            batch = await consumer.getmany(timeout_ms=200)
            now = time.perf_counter()
            for records in batch.values():
                for record in records:
                    envelope = Envelope.model_validate_json(record.value)
                    started = sent.pop(envelope.subject, None)
                    if started is None:
                        continue
                    resolved += 1
                    kind = envelope.event_type
                    outcomes[kind] = outcomes.get(kind, 0) + 1
                    if kind == "MatchProposed":
                        latencies.append((now - started) * 1000)
                        decided = envelope.occurred_at.timestamp()
                        to_decision.append(
                            (decided - sent_wall.pop(envelope.subject)) * 1000
                        )

    collector = asyncio.create_task(collect())
    start = time.perf_counter()
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        event = request_event(mentee_offset + i, TOPICS[i % 16])
        sent[event.subject] = time.perf_counter()
        sent_wall[event.subject] = time.time()
        await producer.send(
            stack.topics.mentoring_requests, event.to_bytes(), key=event.key_bytes()
        )
    try:
        await asyncio.wait_for(collector, timeout=seconds + 120)
    finally:
        collector.cancel()
        await producer.stop()
        await consumer.stop()
    latencies.sort()
    to_decision.sort()
    return {
        "decision_p50_ms": statistics.median(to_decision) if to_decision else 0.0,
        "requests": total,
        "proposed": len(latencies),
        "outcomes": outcomes,
        "p50_ms": statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1]
        if latencies
        else float("nan"),
        "max_ms": latencies[-1] if latencies else float("nan"),
    }


async def run(stack: BenchStack, *, rate: float = 50, seconds: float = 30) -> dict:
    total = int(rate * seconds)
    mentors = max(500, total // 3)
    faculty = mentors + total + 10
    await stack.start_service("matching")
    producer = AIOKafkaProducer(
        bootstrap_servers=stack.broker.bootstrap_servers, acks="all", linger_ms=5
    )
    await producer.start()
    try:
        await seed(producer, stack, faculty=faculty, mentors=mentors, capacity=5)
    finally:
        await producer.stop()
    await wait_for_projection(stack, mentors)
    result = await measure(stack, rate=rate, seconds=seconds, mentee_offset=mentors)
    result.update(
        rate=rate,
        seconds=seconds,
        mentors=mentors,
        faculty=faculty,
        rss_mb=round(stack.rss_mb("matching"), 1),
        date=date.today().isoformat(),
    )
    return result
