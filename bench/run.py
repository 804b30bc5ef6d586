"""``python -m bench.run [latency|hr-load|quality|speed|growth]``: print tables."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from rich.console import Console
from rich.table import Table

from bench import (
    hr_bulk_load,
    matching_growth,
    matching_latency,
    matching_quality,
    matching_speed,
)
from bench.harness import bench_stack


async def latency(rate: float, seconds: float) -> None:
    async with bench_stack() as stack:
        result = await matching_latency.run(stack, rate=rate, seconds=seconds)
    table = Table(title="RequestSubmitted -> MatchProposed (embedded stack, 2 cores)")
    for column in (
        "rate/s",
        "seconds",
        "requests",
        "proposed",
        "p50 ms",
        "p99 ms",
        "max ms",
        "mentors",
        "faculty",
        "matching RSS MB",
    ):
        table.add_column(column, justify="right")
    table.add_row(
        f"{result['rate']:.0f}",
        f"{result['seconds']:.0f}",
        str(result["requests"]),
        str(result["proposed"]),
        f"{result['p50_ms']:.1f}",
        f"{result['p99_ms']:.1f}",
        f"{result['max_ms']:.1f}",
        str(result["mentors"]),
        str(result["faculty"]),
        f"{result['rss_mb']:.0f}",
    )
    Console(width=160).print(table)
    Console(width=160).print(
        f"outcomes: {result['outcomes']}; median time to the matching decision"
        f" (clock of the decision's envelope): {result['decision_p50_ms']:.1f} ms"
    )


async def hr_load(records: int, rounds: int) -> None:
    results = []
    for _ in range(rounds):
        async with bench_stack() as stack:
            results.append(await hr_bulk_load.run(stack, count=records))
    table = Table(title="Initial HR load into profiles (embedded stack, 2 cores)")
    for column in (
        "round",
        "records",
        "profiles rec/s",
        "raw loop rec/s",
        "ratio",
        "raw loop, services' collector rec/s",
        "ratio to it",
        "profiles' last partition started after s",
        "profiles peak RSS MB",
        "all announced s",
    ):
        table.add_column(column, justify="right")
    for number, result in enumerate(results, start=1):
        table.add_row(
            str(number),
            str(result["records"]),
            f"{result['service_per_s']:.0f}",
            f"{result['raw_per_s']:.0f}",
            f"{result['ratio']:.2f}",
            f"{result['tuned_raw_per_s']:.0f}",
            f"{result['tuned_ratio']:.2f}",
            f"{result['service_late_start_s']:.2f}",
            f"{result['profiles_peak_rss_mb']:.0f}",
            f"{result['announced_s']:.1f}",
        )
    if len(results) > 1:
        table.add_row(
            "median",
            str(records),
            *(
                f"{statistics.median(r[key] for r in results):{form}}"
                for key, form in (
                    ("service_per_s", ".0f"),
                    ("raw_per_s", ".0f"),
                    ("ratio", ".2f"),
                    ("tuned_raw_per_s", ".0f"),
                    ("tuned_ratio", ".2f"),
                    ("service_late_start_s", ".2f"),
                    ("profiles_peak_rss_mb", ".0f"),
                    ("announced_s", ".1f"),
                )
            ),
        )
    table.caption = (
        "Each round on a fresh stack; the ratio is taken within a round. Records/s"
        " from the first to the last row stored, each side alone on the stack."
        " Profiles is one consumer-group member applying the feed's three"
        " partitions side by side. Raw loop: aiokafka getmany + asyncpg"
        " executemany of INSERT ... ON CONFLICT DO NOTHING, one transaction per"
        " poll, with Python's default cycle collector settings; then the same loop"
        " again with the collector as a service sets it once started (start-up"
        " heap frozen, young collections every 10,000 allocations instead of"
        " 700). Profiles also validates each record, refuses stale versions and"
        " duplicate e-mails, and writes a FacultyProfileChanged outbox row per"
        " record in the same transaction, which its outbox relay publishes while"
        " the load runs; 'all announced' is when the last of those events has been"
        " published. Services log at WARNING."
    )
    Console(width=160).print(table)


async def run_and_show(module) -> None:
    """Run one matching benchmark on a fresh stack and print its table."""
    started = time.monotonic()
    async with bench_stack() as stack:
        result = await module.run(stack)
    console = Console(width=160)
    module.show(result, console)
    console.print(f"run time: {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "benchmark",
        nargs="?",
        default="all",
        choices=["all", "latency", "hr-load", "quality", "speed", "growth"],
    )
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument(
        "--rounds", type=int, default=3, help="hr-load rounds, each on a fresh stack"
    )
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    if args.benchmark in ("all", "latency"):
        asyncio.run(latency(args.rate, args.seconds))
    if args.benchmark in ("all", "hr-load"):
        asyncio.run(hr_load(args.records, args.rounds))
    if args.benchmark in ("all", "quality"):
        asyncio.run(run_and_show(matching_quality))
    if args.benchmark in ("all", "speed"):
        asyncio.run(run_and_show(matching_speed))
    if args.benchmark in ("all", "growth"):
        asyncio.run(run_and_show(matching_growth))


if __name__ == "__main__":
    main()
