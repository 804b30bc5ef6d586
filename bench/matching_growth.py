"""Request latency as the mentor pool grows, and how candidates are found.

The pool grows in place (1,000, then 10,000, then 100,000 mentors), each step
loaded through Kafka as profiles would publish it. After each measurement the
candidate query is run through matching's own ``find_candidates`` with a
connection that prefixes it with EXPLAIN, so the plan is that of the SQL and
parameters matching sends, whatever they are at the time.
"""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import Callable

import asyncpg

from bench.harness import BenchStack
from bench.matching_latency import TOPICS, request_event
from bench.matching_speed import (
    seed_projection,
    seeding_replicas,
    steady,
    wait_for_counts,
    warm_up,
)
from shared.envelope import Envelope

MENTEE_BASE = 100_000
MEASURE_ALLOWANCE_S = 60
# Mentor events a second assumed until a large step has been timed (measured
# here: about 400/s with three replicas on two cores).
PRIOR_SEED_RATE = 300
LARGE_STEP = 5_000


# Indexes that find a topic's mentors: the GIN index on mentors.topics, and the
# least-recently-asked walk over askable_mentors.
TOPIC_INDEXES = ("mentors_topics", "askable_mentors_least_recently_asked")


class ExplainingConnection:
    """Stands in for a connection: explains the first query instead of answering."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self.plan: dict | None = None

    async def fetch(self, query: str, *args) -> list:
        text = await self.conn.fetchval(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + query, *args
        )
        self.plan = json.loads(text)[0]
        return []

    async def fetchrow(self, query: str, *args):
        await self.fetch(query, *args)

    async def fetchval(self, query: str, *args):
        await self.fetch(query, *args)


def plan_nodes(node: dict) -> list[dict]:
    """Every node of an EXPLAIN JSON plan, depth first."""
    found = [node]
    for child in node.get("Plans", ()):
        found += plan_nodes(child)
    return found


def summarise_plan(plan: dict) -> dict:
    nodes = plan_nodes(plan["Plan"])
    on_mentors = [
        node
        for node in nodes
        if node.get("Relation Name") in ("mentors", "askable_mentors")
        or "mentors" in node.get("Index Name", "")
    ]
    return {
        "mentor_access": sorted(
            {
                f"{node['Node Type']}"
                + (f" on {node['Index Name']}" if "Index Name" in node else "")
                for node in on_mentors
            }
        ),
        "seq_scan_of_mentors": any(
            node["Node Type"] == "Seq Scan" and node.get("Relation Name") == "mentors"
            for node in nodes
        ),
        "topics_index_used": any(
            node.get("Index Name", "") in TOPIC_INDEXES for node in nodes
        ),
        "rows_from_index": sum(
            node.get("Actual Rows", 0)
            for node in nodes
            if node.get("Index Name", "") in TOPIC_INDEXES
        ),
        "execution_ms": plan.get("Execution Time"),
        "planning_ms": plan.get("Planning Time"),
    }


async def explain_candidates(dsn: str) -> dict:
    """EXPLAIN ANALYZE of matching's candidate query for its latest request."""
    from services.matching.adapters import mentor_load
    from services.matching.settings import MatchingSettings

    settings = MatchingSettings()
    conn = await asyncpg.connect(dsn, server_settings={"search_path": "matching"})
    try:
        request = await conn.fetchrow(
            "SELECT * FROM requests WHERE status <> 'rejected'"
            " ORDER BY submitted_at DESC LIMIT 1"
        )
        mentee = await conn.fetchrow(
            "SELECT * FROM faculty WHERE employee_id = $1",
            request["mentee_employee_id"],
        )
        known = {
            "request": request,
            "mentee_department": mentee["department"],
            "supervisor": mentee["supervisor_employee_id"],
            "excluded": [],
        }
        if hasattr(settings, "score_weights"):
            known["weights"] = settings.score_weights()
        for name in ("rotation_horizon_days", "track_record_full_at_sessions"):
            if hasattr(settings, name):
                known[name] = getattr(settings, name)
        known["track_record_full_at"] = known.get("track_record_full_at_sessions")
        explaining = ExplainingConnection(conn)
        # The statement matching sends; when it also books a place, the
        # explained run is rolled back.
        search = getattr(mentor_load, "book_best_candidate", None)
        search = search or mentor_load.find_candidates
        accepted = inspect.signature(search).parameters
        transaction = conn.transaction()
        await transaction.start()
        try:
            await search(
                explaining,
                **{name: value for name, value in known.items() if name in accepted},
            )
        finally:
            await transaction.rollback()
        return summarise_plan(explaining.plan)
    finally:
        await conn.close()


async def run(
    stack: BenchStack,
    *,
    sizes: tuple[int, ...] = (1_000, 10_000, 100_000),
    rate: float = 50,
    seconds: float = 20,
    budget_s: float = 570,
) -> dict:
    """Grow the pool step by step; skip a step that cannot finish within budget."""
    started = time.monotonic()
    per_step = int(rate * seconds) + 20
    mentees = per_step * len(sizes)
    await stack.start_service("matching")
    await seed_projection(
        stack, faculty=range(MENTEE_BASE, MENTEE_BASE + mentees), mentors=range(0)
    )
    await wait_for_counts(
        stack.postgres.url(), faculty=mentees, mentors=0, timeout_s=300
    )
    rows = []
    loaded = 0
    seed_rate = PRIOR_SEED_RATE
    for step, size in enumerate(sizes):
        remaining = budget_s - (time.monotonic() - started)
        if (size - loaded) / seed_rate + MEASURE_ALLOWANCE_S > remaining:
            rows.append(
                {
                    "mentors": size,
                    "skipped": f"loading {size - loaded:,} more mentors at"
                    f" {seed_rate:.0f}/s would exceed the {budget_s:.0f}s budget",
                }
            )
            continue
        seed_started = time.monotonic()
        async with seeding_replicas(stack, 2):
            await seed_projection(stack, faculty=range(0), mentors=range(loaded, size))
            await wait_for_counts(
                stack.postgres.url(),
                faculty=mentees,
                mentors=size,
                timeout_s=max(remaining - MEASURE_ALLOWANCE_S, 30),
            )
            # The load rate, without the wait for the group to settle after.
            seed_s = time.monotonic() - seed_started
        if size - loaded >= LARGE_STEP:
            seed_rate = (size - loaded) / seed_s
        added, loaded = size - loaded, size
        base = MENTEE_BASE + step * per_step
        bootstrap = stack.broker.bootstrap_servers

        def asking(first: int) -> Callable[[int], Envelope]:
            return lambda i: request_event(first + i, TOPICS[i % 16])

        await warm_up(
            bootstrap,
            stack.topics.mentoring_requests,
            stack.topics.matching,
            asking(base),
        )
        latency = await steady(
            bootstrap,
            stack.topics.mentoring_requests,
            stack.topics.matching,
            rate=rate,
            seconds=seconds,
            make_request=asking(base + 20),
        )
        rows.append(
            {
                "mentors": size,
                "seed_s": seed_s,
                "seed_per_s": added / seed_s,
                "latency": latency,
                "plan": await explain_candidates(stack.postgres.url()),
                "rss_mb": stack.rss_mb("matching"),
            }
        )
    return {
        "rows": rows,
        "rate": rate,
        "seconds": seconds,
        "elapsed_s": time.monotonic() - started,
    }


def show(result: dict, console) -> None:
    """Print latency per pool size and the candidate query's plan."""
    from rich.table import Table

    table = Table(
        title="Matching latency as the mentor pool grows (one replica, 2 cores)",
        caption=(
            f"{result['rate']:.0f} requests/s for {result['seconds']:.0f} s per"
            " size, each mentor offering 3 of 16 topics with 5 places. The pool is"
            " loaded through Kafka with two extra matching replicas that stop"
            " before measuring. Plan: EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of"
            " the candidate statement and parameters matching sends, for the"
            " latest request (rolled back when it books a place). Whole"
            f" benchmark: {result['elapsed_s']:.0f} s."
        ),
    )
    for column in (
        "mentors",
        "load s",
        "load/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "answers",
        "mentors read via",
        "seq scan of mentors",
        "topic-index rows",
        "query ms",
    ):
        table.add_column(column, justify="right")
    for row in result["rows"]:
        if "skipped" in row:
            table.add_row(f"{row['mentors']:,}", "-", "-", "skipped")
            continue
        latency, plan = row["latency"], row["plan"]
        table.add_row(
            f"{row['mentors']:,}",
            f"{row['seed_s']:.0f}",
            f"{row['seed_per_s']:.0f}",
            f"{latency['p50_ms']:.1f}",
            f"{latency['p99_ms']:.1f}",
            f"{latency['max_ms']:.1f}",
            f"{latency['answered']:,}/{latency['requests']:,}",
            "; ".join(plan["mentor_access"]),
            "yes" if plan["seq_scan_of_mentors"] else "no",
            f"{plan['rows_from_index']:,}",
            f"{plan['execution_ms']:.2f}",
        )
    console.print(table)
    for row in result["rows"]:
        if "skipped" in row:
            console.print(f"{row['mentors']:,} mentors skipped: {row['skipped']}")
