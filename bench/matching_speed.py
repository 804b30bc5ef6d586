"""Matching's request handling against a raw aiokafka + asyncpg loop, same run.

``python -m bench.matching_speed raw-loop BOOTSTRAP DSN FETCH_WAIT_MS`` runs the raw
loop as its own process, so both contenders are processes apart from the load
generator.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from bench.harness import BenchStack
from bench.matching_latency import TOPICS, faculty_event, mentor_event, request_event
from micromentor.embedded.ports import free_port
from services.matching.settings import MatchingSettings
from shared.envelope import Envelope
from shared.platform.heap import freeze_startup_heap, space_out_young_collections

# The load generator's own consumer: the embedded broker answers a fetch when its
# wait runs out, so the instrument adds up to this much to every measurement.
INSTRUMENT_FETCH_WAIT_MS = 5
# The raw loop fetches as often as matching does by default.
SERVICE_FETCH_WAIT_MS = MatchingSettings.model_fields["kafka_fetch_max_wait_ms"].default
RAW_REQUESTS = "bench.raw-mentoring-requests"
RAW_ANSWERS = "bench.raw-match-answers"
RAW_SCHEMA = """
CREATE SCHEMA IF NOT EXISTS bench_raw;
CREATE TABLE IF NOT EXISTS bench_raw.mentors (
    employee_id text PRIMARY KEY, topics text[] NOT NULL,
    capacity integer NOT NULL, reserved integer NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS raw_mentors_topics ON bench_raw.mentors USING gin (topics);
CREATE TABLE IF NOT EXISTS bench_raw.proposals (
    request_id uuid PRIMARY KEY, mentor_employee_id text NOT NULL,
    topic text NOT NULL, proposed_at timestamptz NOT NULL DEFAULT now());
"""
RAW_LOOKUP = (
    "SELECT employee_id FROM bench_raw.mentors"
    " WHERE topics @> ARRAY[$1]::text[] AND reserved < capacity LIMIT 1"
)
RAW_INSERT = (
    "INSERT INTO bench_raw.proposals (request_id, mentor_employee_id, topic)"
    " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of ``values`` (nan when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


async def ensure_topics(bootstrap: str, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(name, 3, 1) for name in names if name not in existing]
        if missing:
            await admin.create_topics(missing)
    finally:
        await admin.close()


async def seed_projection(
    stack: BenchStack,
    *,
    faculty: range,
    mentors: range,
    capacity: int = 5,
) -> None:
    """Publish faculty and mentor events as profiles would, without waiting."""
    producer = AIOKafkaProducer(
        bootstrap_servers=stack.broker.bootstrap_servers,
        acks="all",
        linger_ms=20,
        max_batch_size=256 * 1024,
    )
    await producer.start()
    try:
        for n in faculty:
            event = faculty_event(n)
            await producer.send(
                stack.topics.faculty, event.to_bytes(), key=event.key_bytes()
            )
        for n in mentors:
            event = mentor_event(n, capacity=capacity)
            await producer.send(
                stack.topics.mentors, event.to_bytes(), key=event.key_bytes()
            )
        await producer.flush()
    finally:
        await producer.stop()


async def wait_for_counts(
    dsn: str, *, faculty: int, mentors: int, timeout_s: float
) -> float:
    """Seconds until matching's projection holds ``faculty`` and ``mentors`` rows."""
    started = time.monotonic()
    conn = await asyncpg.connect(dsn)
    try:
        while time.monotonic() - started < timeout_s:
            with contextlib.suppress(asyncpg.UndefinedTableError):
                row = await conn.fetchrow(
                    "SELECT (SELECT count(*) FROM matching.faculty) AS f,"
                    " (SELECT count(*) FROM matching.mentors) AS m"
                )
                if row["f"] >= faculty and row["m"] >= mentors:
                    return time.monotonic() - started
            await asyncio.sleep(0.5)
    finally:
        await conn.close()
    raise TimeoutError(f"projection not loaded within {timeout_s:.0f}s")


async def settle(dsn: str) -> None:
    """Vacuum and analyse after the bulk load, as autovacuum soon would.

    Loading the projection writes some 60,000 rows at once; autovacuum answers
    with a pass over each table a little later, and on two cores that pass
    would land inside the measured minute instead of before it.
    """
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("VACUUM (ANALYZE)")
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def seeding_replicas(stack: BenchStack, count: int):
    """Extra matching replicas in the same consumer group while the pool loads.

    Matching applies one event per transaction and offset commit, so a large
    pool loads faster across the topics' three partitions. They stop (leaving
    the group) before anything is measured.
    """
    replicas = []
    for index in range(count):
        env = {
            **os.environ,
            "MATCHING_KAFKA_BOOTSTRAP_SERVERS": stack.broker.bootstrap_servers,
            "MATCHING_DATABASE_URL": stack.postgres.url(),
            "MATCHING_HTTP_PORT": str(free_port()),
            "MATCHING_LOG_FORMAT": "json",
            "MATCHING_LOG_LEVEL": "WARNING",
        }
        log = (stack.folder / f"matching-seed-{index}.log").open("ab")
        replica = subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, "-m", "services.matching"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        stack.processes[f"matching-seed-{index}"] = replica
        replicas.append(replica)
    try:
        yield
    finally:
        for replica in replicas:
            replica.terminate()
        for replica in replicas:
            with contextlib.suppress(subprocess.TimeoutExpired):
                await asyncio.to_thread(replica.wait, 20)
    # Their leaving rebalances the group; measure only once that is over.
    await group_settled(
        stack.broker.bootstrap_servers,
        "micromentor-matching",
        members=MatchingSettings.model_fields["kafka_consumers"].default,
    )


async def group_settled(
    bootstrap: str,
    group: str,
    *,
    members: int,
    quiet_s: float = 15.0,
    timeout_s: float = 300.0,
) -> None:
    """Wait until ``group`` is Stable with ``members`` members for ``quiet_s``.

    A rebalance stops every consumer of the group for a second or more; one
    left over from the seeding replicas would be measured as request latency.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        deadline = time.monotonic() + timeout_s
        seen, since = None, time.monotonic()
        while time.monotonic() < deadline:
            [described] = await admin.describe_consumer_groups([group])
            [found] = described.groups
            state, member_ids = found[2], frozenset(m[0] for m in found[5])
            now = time.monotonic()
            if state != "Stable" or len(member_ids) != members or member_ids != seen:
                seen, since = member_ids, now
            elif now - since >= quiet_s:
                return
            await asyncio.sleep(0.5)
        raise RuntimeError(f"group {group} did not settle with {members} members")
    finally:
        await admin.close()


async def warm_up(
    bootstrap: str,
    request_topic: str,
    answer_topic: str,
    make_request: Callable[[int], Envelope],
    count: int = 20,
) -> None:
    """A few answered requests first: group joins and caches are behind us."""
    async with AnswerStream(bootstrap, request_topic, answer_topic) as stream:
        for i in range(count):
            await stream.send(make_request(i))
        if not await stream.wait_answered(count, timeout_s=120):
            raise RuntimeError(f"no answers on {answer_topic} to the warm-up")


class AnswerStream:
    """Times each request until the first answer whose subject is its request id.

    The load generator is the instrument, so its own cycle collector is held off
    while a stream is open: a collection in here would be counted as latency of
    the service measured.
    """

    def __init__(self, bootstrap: str, request_topic: str, answer_topic: str):
        self.request_topic = request_topic
        self.producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, acks="all", linger_ms=0
        )
        self.consumer = AIOKafkaConsumer(
            answer_topic,
            bootstrap_servers=bootstrap,
            auto_offset_reset="latest",
            enable_auto_commit=False,
            fetch_max_wait_ms=INSTRUMENT_FETCH_WAIT_MS,
        )
        self.sent: dict[str, float] = {}
        self.latency_ms: dict[str, float] = {}
        self.outcomes: dict[str, int] = {}
        self.last_answer_at = 0.0
        self._wanted = 0
        self._enough = asyncio.Event()
        self._collector: asyncio.Task | None = None

    async def __aenter__(self) -> AnswerStream:
        gc.collect()
        gc.freeze()
        gc.disable()
        await self.producer.start()
        await self.consumer.start()
        await self.consumer.seek_to_end()
        # seek_to_end is lazy; a position() call pins it before anything is sent.
        for partition in self.consumer.assignment():
            await self.consumer.position(partition)
        self._collector = asyncio.create_task(self._collect())
        return self

    async def __aexit__(self, *exc) -> None:
        if self._collector:
            self._collector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._collector
        await self.producer.stop()
        await self.consumer.stop()

    async def _collect(self) -> None:
        while True:
            batch = await self.consumer.getmany(timeout_ms=200)
            now = time.perf_counter()
            for records in batch.values():
                for record in records:
                    answer = json.loads(record.value)
                    started = self.sent.get(answer["subject"])
                    if started is None or answer["subject"] in self.latency_ms:
                        continue
                    self.latency_ms[answer["subject"]] = (now - started) * 1000
                    kind = answer["event_type"]
                    self.outcomes[kind] = self.outcomes.get(kind, 0) + 1
                    self.last_answer_at = now
            if self._wanted and len(self.latency_ms) >= self._wanted:
                self._enough.set()

    async def send(self, event: Envelope, *, wait: bool = True) -> None:
        self.sent[event.subject] = time.perf_counter()
        send = self.producer.send_and_wait if wait else self.producer.send
        await send(self.request_topic, event.to_bytes(), key=event.key_bytes())

    async def wait_answered(self, count: int, timeout_s: float) -> bool:
        self._wanted = count
        if len(self.latency_ms) < count:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._enough.wait(), timeout_s)
        return len(self.latency_ms) >= count


async def steady(
    bootstrap: str,
    request_topic: str,
    answer_topic: str,
    *,
    rate: float,
    seconds: float,
    make_request: Callable[[int], Envelope],
) -> dict:
    """Send ``rate`` requests a second for ``seconds``; latency to each answer."""
    total = int(rate * seconds)
    async with AnswerStream(bootstrap, request_topic, answer_topic) as stream:
        start = time.perf_counter()
        for i in range(total):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await stream.send(make_request(i))
        sending_s = time.perf_counter() - start
        await stream.wait_answered(total, timeout_s=120)
    latencies = list(stream.latency_ms.values())
    return {
        "requests": total,
        "answered": len(latencies),
        "achieved_rate": total / sending_s,
        "outcomes": stream.outcomes,
        "p50_ms": statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies, default=float("nan")),
    }


async def burst(
    bootstrap: str,
    request_topic: str,
    answer_topic: str,
    *,
    count: int,
    make_request: Callable[[int], Envelope],
    timeout_s: float = 300,
) -> dict:
    """Publish ``count`` requests at once; requests per second until all answered."""
    events = [make_request(i) for i in range(count)]
    async with AnswerStream(bootstrap, request_topic, answer_topic) as stream:
        start = time.perf_counter()
        for event in events:
            await stream.send(event, wait=False)
        await stream.producer.flush()
        done = await stream.wait_answered(count, timeout_s=timeout_s)
        elapsed = (stream.last_answer_at or time.perf_counter()) - start
    return {
        "requests": count,
        "answered": len(stream.latency_ms),
        "complete": done,
        "seconds": elapsed,
        "per_s": len(stream.latency_ms) / elapsed if elapsed > 0 else float("nan"),
        "outcomes": stream.outcomes,
    }


# The raw loop -------------------------------------------------------------


async def raw_loop(bootstrap: str, dsn: str, fetch_max_wait_ms: int) -> None:
    """Per request: one GIN-indexed lookup, one insert, one answer; commit per poll."""
    conn = await asyncpg.connect(dsn)
    consumer = AIOKafkaConsumer(
        RAW_REQUESTS,
        bootstrap_servers=bootstrap,
        group_id="bench-raw-loop",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=fetch_max_wait_ms,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    await consumer.start()
    await producer.start()
    lookup = await conn.prepare(RAW_LOOKUP)
    insert = await conn.prepare(RAW_INSERT)
    # The same start-up treatment as the services get (shared.platform.heap).
    freeze_startup_heap()
    space_out_young_collections()
    print("ready", flush=True)
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=500, max_records=500)
            for records in batch.values():
                for record in records:
                    event = json.loads(record.value)
                    topic = event["payload"]["topic"]
                    mentor = await lookup.fetchval(topic)
                    await insert.fetch(event["payload"]["request_id"], mentor, topic)
                    answer = {
                        "subject": event["subject"],
                        "event_type": "MatchProposed" if mentor else "NoMentor",
                        "mentor_employee_id": mentor,
                    }
                    await producer.send(
                        RAW_ANSWERS, json.dumps(answer).encode(), key=record.key
                    )
            if batch:
                await producer.flush()
                await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()
        await conn.close()


async def start_raw_loop(stack: BenchStack) -> subprocess.Popen:
    """Copy matching's mentors into the raw table and start the raw loop process."""
    conn = await asyncpg.connect(stack.postgres.url())
    try:
        await conn.execute(RAW_SCHEMA)
        await conn.execute(
            "INSERT INTO bench_raw.mentors (employee_id, topics, capacity)"
            " SELECT employee_id, topics, capacity FROM matching.mentors"
            " ON CONFLICT DO NOTHING"
        )
        await conn.execute("ANALYZE bench_raw.mentors")
    finally:
        await conn.close()
    log = (stack.folder / "raw-loop.log").open("ab")
    process = subprocess.Popen(  # noqa: ASYNC220
        [
            sys.executable,
            "-m",
            "bench.matching_speed",
            "raw-loop",
            stack.broker.bootstrap_servers,
            stack.postgres.url(),
            str(SERVICE_FETCH_WAIT_MS),
        ],
        stdout=subprocess.PIPE,
        stderr=log,
    )
    line = await asyncio.to_thread(process.stdout.readline)
    if line.strip() != b"ready":
        raise RuntimeError(f"raw loop did not start; see {stack.folder}/raw-loop.log")
    stack.processes["raw-loop"] = process
    return process


# The benchmark ------------------------------------------------------------


async def run(
    stack: BenchStack,
    *,
    mentors: int = 10_000,
    faculty: int = 50_000,
    rate: float = 100,
    seconds: float = 20,
    burst_size: int = 3_000,
    trickle_rate: float = 5,
) -> dict:
    bootstrap = stack.broker.bootstrap_servers
    await ensure_topics(bootstrap, [RAW_REQUESTS, RAW_ANSWERS])
    # Said explicitly, so a MATCHING_KAFKA_FETCH_MAX_WAIT_MS in the environment
    # cannot make the service fetch differently from the raw loop.
    await stack.start_service(
        "matching", kafka_fetch_max_wait_ms=str(SERVICE_FETCH_WAIT_MS)
    )
    started = time.monotonic()
    async with seeding_replicas(stack, 2):
        await seed_projection(stack, faculty=range(faculty), mentors=range(mentors))
        await wait_for_counts(
            stack.postgres.url(), faculty=faculty, mentors=mentors, timeout_s=900
        )
    seed_s = time.monotonic() - started
    await settle(stack.postgres.url())
    steady_count = int(rate * seconds)

    # Mentees are the faculty after the mentors; each asks once per contender.
    def service_request(offset: int) -> Callable[[int], Envelope]:
        return lambda i: request_event(mentors + offset + i, TOPICS[i % 16])

    warm = service_request(0)
    await warm_up(
        bootstrap, stack.topics.mentoring_requests, stack.topics.matching, warm
    )

    result = {"mentors": mentors, "faculty": faculty, "seed_s": seed_s}
    result["service_steady"] = await steady(
        bootstrap,
        stack.topics.mentoring_requests,
        stack.topics.matching,
        rate=rate,
        seconds=seconds,
        make_request=service_request(20),
    )
    # A trickle shows the cost of waiting for the next batch on idle topics.
    result["service_trickle"] = await steady(
        bootstrap,
        stack.topics.mentoring_requests,
        stack.topics.matching,
        rate=trickle_rate,
        seconds=seconds / 2,
        make_request=service_request(20 + steady_count + burst_size),
    )
    result["service_burst"] = await burst(
        bootstrap,
        stack.topics.mentoring_requests,
        stack.topics.matching,
        count=burst_size,
        make_request=service_request(20 + steady_count),
    )
    result["service_rss_mb"] = stack.rss_mb("matching")
    await start_raw_loop(stack)
    await warm_up(bootstrap, RAW_REQUESTS, RAW_ANSWERS, warm)
    result["raw_steady"] = await steady(
        bootstrap,
        RAW_REQUESTS,
        RAW_ANSWERS,
        rate=rate,
        seconds=seconds,
        make_request=service_request(20),
    )
    result["raw_burst"] = await burst(
        bootstrap,
        RAW_REQUESTS,
        RAW_ANSWERS,
        count=burst_size,
        make_request=service_request(20 + steady_count),
    )
    return result


if __name__ == "__main__" and sys.argv[1:2] == ["raw-loop"]:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(raw_loop(sys.argv[2], sys.argv[3], int(sys.argv[4])))


def show(result: dict, console) -> None:
    """Print the service and raw-loop figures side by side with their ratios."""
    from rich.table import Table

    service, raw = result["service_steady"], result["raw_steady"]
    service_burst, raw_burst = result["service_burst"], result["raw_burst"]
    table = Table(
        title=(
            f"RequestSubmitted -> answer: matching vs a raw aiokafka + asyncpg loop"
            f" ({result['mentors']:,} mentors, {result['faculty']:,} faculty)"
        ),
        caption=(
            f"Steady: {service['requests']:,} requests at"
            f" {service['achieved_rate']:.0f}/s, latency from publish to the first"
            " answer about the request. Burst: all requests published at once,"
            " requests / s until the last answer. Raw loop: one GIN-indexed lookup"
            " (a mentor with the topic and a free place), one insert, one answer"
            " per request, offsets committed per poll; no inbox, outbox, rules,"
            " ranking or capacity booking. Both run as their own process and"
            f" fetch with a {SERVICE_FETCH_WAIT_MS} ms wait; the load generator"
            f" fetches answers with a {INSTRUMENT_FETCH_WAIT_MS} ms wait."
            " The projection took"
            f" {result['seed_s']:.0f} s to load through Kafka; the database is"
            " vacuumed and analysed after the load, before anything is measured."
        ),
    )
    for column in (
        "",
        "steady p50 ms",
        "steady p99 ms",
        "steady max ms",
        "burst size",
        "burst s",
        "burst req/s",
        "outcomes",
    ):
        table.add_column(column, justify="right")
    for name, steady_row, burst_row in (
        ("matching", service, service_burst),
        ("raw loop", raw, raw_burst),
    ):
        outcomes = {**steady_row["outcomes"]}
        for kind, count in burst_row["outcomes"].items():
            outcomes[kind] = outcomes.get(kind, 0) + count
        table.add_row(
            name,
            f"{steady_row['p50_ms']:.1f}",
            f"{steady_row['p99_ms']:.1f}",
            f"{steady_row['max_ms']:.1f}",
            f"{burst_row['answered']:,}/{burst_row['requests']:,}",
            f"{burst_row['seconds']:.2f}",
            f"{burst_row['per_s']:.0f}",
            ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())),
        )
    table.add_row(
        "matching / raw",
        f"{service['p50_ms'] / raw['p50_ms']:.1f}x",
        f"{service['p99_ms'] / raw['p99_ms']:.1f}x",
        f"{service['max_ms'] / raw['max_ms']:.1f}x",
        "",
        "",
        f"{service_burst['per_s'] / raw_burst['per_s']:.2f}x",
        "",
    )
    console.print(table)
    trickle = result.get("service_trickle")
    if trickle:
        console.print(
            f"matching at a trickle of {trickle['achieved_rate']:.0f} requests/s:"
            f" p50 {trickle['p50_ms']:.1f} ms, p99 {trickle['p99_ms']:.1f} ms,"
            f" max {trickle['max_ms']:.1f} ms ({trickle['answered']}/"
            f"{trickle['requests']} answered)"
        )
    console.print(f"matching RSS after the burst: {result['service_rss_mb']:.0f} MB")
