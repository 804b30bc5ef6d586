"""Matching's online choices against the offline optimum of the same instance.

Capacities stay fixed for the whole stream (no engagement closes), so the
instance is an online b-matching: requests arrive one at a time, each is
proposed to a mentor or waitlisted for good, and the optimum is the best
assignment of requests to mentor places chosen with the whole stream in view.
With engagements closing, "the optimum" would be a scheduling problem with no
single right answer; with fixed capacities it is an assignment problem.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
import uuid
from dataclasses import dataclass, field

import asyncpg
import numpy as np
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from scipy.optimize import linear_sum_assignment

from bench.harness import BenchStack
from bench.matching_latency import TOPICS
from bench.matching_speed import wait_for_counts
from shared.contracts.hr import AppointmentType, EmploymentStatus
from shared.contracts.matching import ProposalAccepted, RequestSubmitted
from shared.contracts.profiles import FacultyProfileChanged, MentorApproved
from shared.envelope import Envelope, new_event

SEED = 20261204
DEPARTMENTS = [f"Department {n}" for n in range(24)]
# No word in common, so the statement-relevance factor is the same (zero) for
# every pair and the comparison is about capacity, rotation and department.
STATEMENT = "Experienced faculty mentor."
NEED = "I would like advice on preparing my dossier."
DECISIONS = {"MatchProposed", "RequestWaitlisted", "RequestRejected"}


@dataclass(frozen=True)
class Mentor:
    employee_id: str
    department: str
    capacity: int
    topics: tuple[str, ...]
    scope: str


@dataclass(frozen=True)
class Mentee:
    employee_id: str
    department: str
    supervisor: str | None


@dataclass(frozen=True)
class Request:
    request_id: uuid.UUID
    mentee: Mentee
    topic: str
    preference: str
    required: bool


@dataclass
class Instance:
    mentors: list[Mentor]
    mentees: list[Mentee]
    requests: list[Request]

    @property
    def slots(self) -> int:
        return sum(m.capacity for m in self.mentors)


def build_instance(
    *, mentors: int = 500, mentees: int = 3_200, requests: int = 5_000
) -> Instance:
    """The same instance on every run: popular topics are scarce on purpose."""
    rng = random.Random(SEED)
    supply = [1 / (rank + 1) ** 0.7 for rank in range(16)]
    demand = supply[:]
    rng.shuffle(demand)
    pool = [
        Mentor(
            employee_id=f"F{n:06d}",
            department=rng.choice(DEPARTMENTS),
            capacity=rng.randint(1, 5),
            topics=tuple(sorted(_distinct(rng, supply, rng.randint(2, 4)))),
            scope=rng.choices(["both", "own", "other"], [0.8, 0.1, 0.1])[0],
        )
        for n in range(mentors)
    ]
    by_department: dict[str, list[str]] = {}
    for mentor in pool:
        by_department.setdefault(mentor.department, []).append(mentor.employee_id)
    faculty = []
    for n in range(mentors, mentors + mentees):
        department = rng.choice(DEPARTMENTS)
        supervisors = by_department.get(department, [])
        supervised = supervisors and rng.random() < 0.2
        faculty.append(
            Mentee(
                f"F{n:06d}", department, rng.choice(supervisors) if supervised else None
            )
        )
    # Everyone asks once, some twice (on another topic): within the limits of
    # three open requests and one open request per topic.
    askers = faculty + rng.sample(faculty, requests - len(faculty))
    rng.shuffle(askers)
    asked: dict[str, set[str]] = {}
    stream = []
    for mentee in askers:
        taken = asked.setdefault(mentee.employee_id, set())
        topic = next(t for t in _weighted_order(rng, demand) if t not in taken)
        taken.add(topic)
        preference = rng.choices(["any", "other", "own"], [0.6, 0.25, 0.15])[0]
        stream.append(
            Request(
                request_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                mentee=mentee,
                topic=topic,
                preference=preference,
                required=preference != "any" and rng.random() < 0.3,
            )
        )
    return Instance(pool, faculty, stream)


def _weighted_order(rng: random.Random, weights: list[float]) -> list[str]:
    return _distinct(rng, weights, len(TOPICS))


def _distinct(rng: random.Random, weights: list[float], count: int) -> list[str]:
    """``count`` different topics, drawn by weight without replacement."""
    keys = [rng.random() ** (1 / w) for w in weights]
    order = sorted(range(len(TOPICS)), key=lambda i: -keys[i])
    return [TOPICS[i] for i in order[:count]]


# The scoring model ---------------------------------------------------------


@dataclass(frozen=True)
class ScoreModel:
    """Matching's score restricted to the factors this instance lets vary."""

    department: float
    free_capacity: float
    rotation: float
    total_weight: float
    source: str

    def value(self, *, preferred: bool, capacity: int, reserved: int, fresh: bool):
        """Score of asking a mentor with ``reserved`` of ``capacity`` places taken."""
        return (
            self.department * preferred
            + self.free_capacity * (capacity - reserved) / capacity
            + self.rotation * fresh
        ) / self.total_weight


def score_model() -> ScoreModel:
    """The weights matching uses now: its settings' weights, or its fixed formula."""
    from services.matching.settings import MatchingSettings

    settings = MatchingSettings(database_url="postgresql://unused")
    if hasattr(settings, "score_weights"):
        weights = settings.score_weights()
        return ScoreModel(
            weights["department"],
            weights["free_capacity"],
            weights["rotation"],
            sum(weights.values()),
            "MatchingSettings.score_weights()",
        )
    return ScoreModel(0.1, 0.6, 0.3, 1.0, "domain/ranking.py score()")


# Feasibility and the optimum ----------------------------------------------


def qualified(mentor: Mentor, request: Request) -> bool:
    """Matching's hard rules for asking ``mentor`` about ``request``."""
    mentee = request.mentee
    same = mentor.department == mentee.department
    return (
        request.topic in mentor.topics
        and mentor.employee_id != mentee.employee_id
        and mentor.employee_id != mentee.supervisor
        and (mentor.scope == "both" or (mentor.scope == "own") == same)
        and (not request.required or (request.preference == "own") == same)
    )


def preferred(mentor: Mentor, request: Request) -> bool:
    same = mentor.department == request.mentee.department
    return same if request.preference == "own" else not same


@dataclass
class Matrices:
    feasible: np.ndarray
    preferred: np.ndarray

    @classmethod
    def of(cls, instance: Instance) -> Matrices:
        feasible = np.array(
            [[qualified(m, r) for m in instance.mentors] for r in instance.requests]
        )
        preference = np.array(
            [[preferred(m, r) for m in instance.mentors] for r in instance.requests]
        )
        return cls(feasible, preference)


def optimum(
    instance: Instance, matrices: Matrices, model: ScoreModel, count: int
) -> dict:
    """Best total score and most matches for the first ``count`` requests.

    Each mentor becomes ``capacity`` places; place k is the (k+1)-th booking,
    so it scores the free share (c - k) / c and the rotation bonus only for
    k = 0. Place scores fall with k, so the optimum fills places in order and
    the expansion is exact. A forbidden pair costs 0, the same as no match.
    """
    owner = np.repeat(
        np.arange(len(instance.mentors)), [m.capacity for m in instance.mentors]
    )
    capacity = np.array([m.capacity for m in instance.mentors])[owner]
    booking = np.concatenate([np.arange(m.capacity) for m in instance.mentors])
    place = (
        model.free_capacity * (capacity - booking) / capacity
        + model.rotation * (booking == 0)
    ) / model.total_weight
    feasible = matrices.feasible[:count][:, owner]
    value = (
        place[None, :]
        + model.department / model.total_weight * (matrices.preferred[:count][:, owner])
    )
    value = np.where(feasible, value, 0.0)
    rows, cols = linear_sum_assignment(-value)
    kept = feasible[rows, cols]
    rows, cols = rows[kept], cols[kept]
    load = np.bincount(owner[cols], minlength=len(instance.mentors))
    most_rows, most_cols = linear_sum_assignment(-feasible.astype(float))
    return {
        "score": float(value[rows, cols].sum()),
        "matched": len(rows),
        "matchable": int(feasible[most_rows, most_cols].sum()),
        "gini": gini(load),
    }


def gini(loads) -> float:
    """Gini coefficient of mentor load: 0 when everyone carries the same."""
    values = np.sort(np.asarray(loads, dtype=float))
    if values.sum() == 0:
        return 0.0
    ranks = np.arange(1, len(values) + 1)
    return float(
        (2 * (ranks * values).sum()) / (len(values) * values.sum())
        - (len(values) + 1) / len(values)
    )


# Running the stream through matching -------------------------------------


@dataclass
class Decision:
    kind: str
    mentor: str | None = None
    score: float | None = None
    reason_code: str | None = None


@dataclass
class Replay:
    """What matching decided, replayed against the instance in arrival order."""

    instance: Instance
    model: ScoreModel
    reserved: dict[str, int] = field(default_factory=dict)
    matched: int = 0
    missed: int = 0
    rejected: int = 0
    score: float = 0.0
    agreeing: int = 0
    worst_deviation: float = 0.0

    def apply(self, request: Request, decision: Decision) -> None:
        if decision.kind == "RequestRejected":
            self.rejected += 1
            return
        if decision.kind == "RequestWaitlisted":
            self.missed += any(
                self.reserved.get(m.employee_id, 0) < m.capacity
                and qualified(m, request)
                for m in self.instance.mentors
            )
            return
        mentor = next(
            m for m in self.instance.mentors if m.employee_id == decision.mentor
        )
        taken = self.reserved.get(mentor.employee_id, 0)
        expected = self.model.value(
            preferred=preferred(mentor, request),
            capacity=mentor.capacity,
            reserved=taken,
            fresh=taken == 0,
        )
        deviation = abs(expected - decision.score)
        self.agreeing += deviation <= 0.001
        self.worst_deviation = max(self.worst_deviation, deviation)
        self.reserved[mentor.employee_id] = taken + 1
        self.matched += 1
        self.score += decision.score

    def loads(self) -> list[int]:
        return [self.reserved.get(m.employee_id, 0) for m in self.instance.mentors]


async def publish_instance(stack: BenchStack, instance: Instance) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=stack.broker.bootstrap_servers, acks="all", linger_ms=20
    )
    await producer.start()
    try:
        departments = {m.employee_id: m.department for m in instance.mentors}
        people = [Mentee(e, d, None) for e, d in departments.items()]
        for person in people + instance.mentees:
            event = _faculty(person)
            await producer.send(
                stack.topics.faculty, event.to_bytes(), key=event.key_bytes()
            )
        for mentor in instance.mentors:
            event = _approved(mentor)
            await producer.send(
                stack.topics.mentors, event.to_bytes(), key=event.key_bytes()
            )
        await producer.flush()
    finally:
        await producer.stop()


def _faculty(person: Mentee) -> Envelope:
    return new_event(
        FacultyProfileChanged(
            employee_id=person.employee_id,
            given_name="Bench",
            family_name=person.employee_id,
            email=f"{person.employee_id.lower()}@bench.example.edu",
            department=person.department,
            rank="associate_professor",
            appointment_type=AppointmentType.FULL_TIME_REGULAR,
            employment_status=EmploymentStatus.ACTIVE,
            supervisor_employee_id=person.supervisor,
            record_version=1,
        ),
        subject=person.employee_id,
        producer="profiles",
    )


def _approved(mentor: Mentor) -> Envelope:
    return new_event(
        MentorApproved(
            employee_id=mentor.employee_id,
            topics=list(mentor.topics),
            statement=STATEMENT,
            max_mentees=mentor.capacity,
            meeting_formats=["video"],
            availability={
                "time_zone": "America/New_York",
                "windows": [{"weekday": 2, "start": "09:00", "end": "12:00"}],
            },
            department_scope=mentor.scope,
            department=mentor.department,
        ),
        subject=mentor.employee_id,
        producer="profiles",
    )


def _submitted(request: Request) -> Envelope:
    return new_event(
        RequestSubmitted(
            request_id=request.request_id,
            mentee_employee_id=request.mentee.employee_id,
            topic=request.topic,
            need_statement=NEED,
            meetings=1,
            scope_preference=request.preference,
            scope_required=request.required,
        ),
        subject=str(request.request_id),
        producer="faculty-portal",
        actor=request.mentee.employee_id,
    )


def _accepted(request: Request, payload: dict) -> Envelope:
    mentor = payload["mentor_employee_id"]
    return new_event(
        ProposalAccepted(
            request_id=request.request_id,
            proposal_id=payload["proposal_id"],
            mentor_employee_id=mentor,
        ),
        subject=str(request.request_id),
        producer="faculty-portal",
        actor=mentor,
    )


async def stream_requests(
    stack: BenchStack, instance: Instance, *, timeout_s: float = 30
) -> list[Decision]:
    """One request at a time, so 'free capacity at the time' is well defined.

    Every proposal is accepted by its mentor at once, as the portal would.
    """
    bootstrap = stack.broker.bootstrap_servers
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    consumer = AIOKafkaConsumer(
        stack.topics.matching,
        bootstrap_servers=bootstrap,
        auto_offset_reset="latest",
        enable_auto_commit=False,
        fetch_max_wait_ms=10,
    )
    await producer.start()
    await consumer.start()
    await consumer.seek_to_end()
    for partition in consumer.assignment():
        await consumer.position(partition)
    waiting: dict[str, asyncio.Future] = {}

    async def collect() -> None:
        while True:
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                for record in records:
                    event = json.loads(record.value)
                    future = waiting.get(event["subject"])
                    if (
                        event["event_type"] in DECISIONS
                        and future
                        and not future.done()
                    ):
                        future.set_result(event)

    collector = asyncio.create_task(collect())
    decisions = []
    try:
        for request in instance.requests:
            future = waiting[str(request.request_id)] = asyncio.Future()
            event = _submitted(request)
            await producer.send_and_wait(
                stack.topics.mentoring_requests, event.to_bytes(), key=event.key_bytes()
            )
            answer = await asyncio.wait_for(future, timeout_s)
            del waiting[str(request.request_id)]
            payload = answer["payload"]
            decisions.append(
                Decision(
                    answer["event_type"],
                    payload.get("mentor_employee_id"),
                    payload.get("score"),
                    payload.get("reason_code"),
                )
            )
            if answer["event_type"] == "MatchProposed":
                accept = _accepted(request, payload)
                await producer.send(
                    stack.topics.proposal_responses,
                    accept.to_bytes(),
                    key=accept.key_bytes(),
                )
    finally:
        collector.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await collector
        await producer.stop()
        await consumer.stop()
    return decisions


async def stored_loads(dsn: str, confirmed: int, timeout_s: float = 60) -> dict:
    """Matching's own mentor loads, once every accept has been applied."""
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            matched = await conn.fetchval(
                "SELECT count(*) FROM matching.requests WHERE status = 'matched'"
            )
            if matched >= confirmed:
                break
            await asyncio.sleep(0.5)
        rows = await conn.fetch("SELECT employee_id, reserved FROM matching.mentors")
        return {
            "matched": matched,
            "reserved": {row["employee_id"]: row["reserved"] for row in rows},
        }
    finally:
        await conn.close()


async def run(
    stack: BenchStack, *, requests: int = 5_000, mentees: int = 3_200
) -> dict:
    instance = build_instance(requests=requests, mentees=mentees)
    model = score_model()
    await stack.start_service("matching")
    seed_started = time.monotonic()
    await publish_instance(stack, instance)
    await wait_for_counts(
        stack.postgres.url(),
        faculty=len(instance.mentors) + len(instance.mentees),
        mentors=len(instance.mentors),
        timeout_s=300,
    )
    seed_s = time.monotonic() - seed_started
    stream_started = time.monotonic()
    decisions = await stream_requests(stack, instance)
    stream_s = time.monotonic() - stream_started
    proposed = sum(d.kind == "MatchProposed" for d in decisions)
    stored = await stored_loads(stack.postgres.url(), proposed)

    matrices = Matrices.of(instance)
    slots = instance.slots
    prefixes = sorted({min(n, requests) for n in (slots // 2, slots, requests)})
    replay = Replay(instance, model)
    rows = []
    solve_s = 0.0
    pairs = zip(instance.requests, decisions, strict=True)
    for index, (request, decision) in enumerate(pairs, start=1):
        replay.apply(request, decision)
        if index in prefixes:
            started = time.monotonic()
            best = optimum(instance, matrices, model, index)
            solve_s += time.monotonic() - started
            rows.append(
                {
                    "requests": index,
                    "matched": replay.matched,
                    "score": replay.score,
                    "missed": replay.missed,
                    "rejected": replay.rejected,
                    "gini": gini(replay.loads()),
                    "optimum": best,
                }
            )
    return {
        "mentors": len(instance.mentors),
        "slots": slots,
        "mentees": len(instance.mentees),
        "rows": rows,
        "model": model,
        "agreeing": replay.agreeing,
        "proposed": proposed,
        "worst_deviation": replay.worst_deviation,
        "stored_matched": stored["matched"],
        "stored_loads_agree": all(
            stored["reserved"].get(m.employee_id)
            == replay.reserved.get(m.employee_id, 0)
            for m in instance.mentors
        ),
        "reason_codes": sorted(
            {d.reason_code for d in decisions if d.kind != "MatchProposed"} - {None}
        ),
        "seed_s": seed_s,
        "stream_s": stream_s,
        "solve_s": solve_s,
    }


def show(result: dict, console) -> None:
    """Print the comparison table with its design in the caption."""
    from rich.table import Table

    model: ScoreModel = result["model"]
    table = Table(
        title=(
            f"Matching vs offline optimum: {result['mentors']} mentors"
            f" ({result['slots']} places), {result['mentees']} mentees, seed {SEED}"
        ),
        caption=(
            "Capacities fixed for the whole stream (no engagement closes), requests"
            " sent one at a time and every proposal accepted: an online b-matching."
            " Optimum = scipy linear_sum_assignment over mentor places (place k of a"
            " mentor = its (k+1)-th booking), cost = -score, forbidden pairs = no"
            " match. Score = matching's weighted mean; in this instance only"
            " department, free capacity and rotation vary (no availability given, no"
            " sessions held, no words shared between statements and needs). Rotation"
            " is 1 for a mentor never asked and ~0 (minutes / horizon) afterwards, in"
            " the stream and in the optimum alike. Coverage = matched / most"
            " matchable (max-cardinality assignment). Prefix rows are the same run"
            " cut after N requests."
        ),
    )
    for column in (
        "requests",
        "matched",
        "max matchable",
        "coverage",
        "online score",
        "optimum score",
        "ratio",
        "mean score/match online | opt",
        "matched when a mentor was free",
        "load Gini online | opt",
        "rejected",
    ):
        table.add_column(column, justify="right")
    for row in result["rows"]:
        best = row["optimum"]
        possible = row["matched"] + row["missed"]
        table.add_row(
            f"{row['requests']:,}",
            f"{row['matched']:,}",
            f"{best['matchable']:,}",
            f"{row['matched'] / best['matchable']:.1%}",
            f"{row['score']:.1f}",
            f"{best['score']:.1f}",
            f"{row['score'] / best['score']:.3f}",
            f"{row['score'] / max(row['matched'], 1):.3f} |"
            f" {best['score'] / max(best['matched'], 1):.3f}",
            f"{row['matched'] / possible:.1%} ({row['missed']} missed)"
            if possible
            else "n/a",
            f"{row['gini']:.3f} | {best['gini']:.3f}",
            str(row["rejected"]),
        )
    console.print(table)
    console.print(
        f"score model from {model.source}: department {model.department},"
        f" free capacity {model.free_capacity}, rotation {model.rotation}, all"
        f" weights {model.total_weight}; it reproduced {result['agreeing']:,} of"
        f" {result['proposed']:,} MatchProposed scores within 0.001 (worst"
        f" deviation {result['worst_deviation']:.4f})."
    )
    console.print(
        f"matching's stored loads equal the replayed ones:"
        f" {result['stored_loads_agree']}; requests it holds as matched:"
        f" {result['stored_matched']:,}; other outcome reasons:"
        f" {', '.join(result['reason_codes']) or 'none'}."
    )
    console.print(
        f"load {result['seed_s']:.0f} s, stream {result['stream_s']:.0f} s"
        f" (one request at a time), optimum {result['solve_s']:.1f} s."
    )
