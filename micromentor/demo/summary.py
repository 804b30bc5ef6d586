"""The closing table, read back from the four services' ``/v1/summary``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rich.table import Table

from micromentor.health import fetch_summary
from micromentor.stack_file import StackInfo


@dataclass(frozen=True)
class RunFigures:
    """What this run alone did; the services' summaries cover every run."""

    emails_delivered: int | None = None
    hr_refused: dict[str, str] = field(default_factory=dict)
    hr_dead_letter_topic: str = "hr.faculty-records.dlq"


async def fetch_summaries(info: StackInfo) -> dict[str, dict]:
    """Each service's summary; a service that does not answer maps to {}."""
    summaries = {}
    async with httpx.AsyncClient(trust_env=False) as client:
        for service in ("profiles", "matching", "scheduling", "notifications"):
            found = None
            if service in info.http_ports:
                found = await fetch_summary(client, info.service_url(service))
            summaries[service] = found or {}
    return summaries


def summary_table(
    summaries: dict[str, dict],
    *,
    mail_dir: Path,
    wall_s: float,
    title: str,
    run: RunFigures | None = None,
    peaks_mb: dict[str, float] | None = None,
) -> Table:
    """Totals kept by the services (every run so far) and this run's own figures."""
    run = run or RunFigures()
    profiles, matching = summaries["profiles"], summaries["matching"]
    scheduling, notifications = summaries["scheduling"], summaries["notifications"]
    table = Table(title=title, show_lines=False)
    table.add_column("area", style="bold")
    table.add_column("measure")
    table.add_column("count", justify="right")

    def add(area: str, measure: str, value: object) -> None:
        table.add_row(area, measure, "n/a" if value is None else str(value))

    add("faculty", "faculty records ingested", profiles.get("faculty"))
    add(
        "",
        f"HR records refused by this run (see {run.hr_dead_letter_topic})",
        len(run.hr_refused),
    )
    for reason, count in sorted(Counter(run.hr_refused.values()).items()):
        add("", f"refused: {reason}", count)
    add("mentors", "approved, now", profiles.get("mentors_approved"))
    for reason, count in sorted(profiles.get("mentors_rejected", {}).items()):
        add("", f"submissions rejected: {reason}", count)
    add("", "deactivated, now", profiles.get("mentors_deactivated"))
    add("requests", "submitted", matching.get("requests"))
    add("", "matched", matching.get("matched"))
    add("", "proposal awaiting an answer", matching.get("proposed"))
    add("", "waiting for a mentor", matching.get("waiting"))
    rejected = matching.get("rejected")
    add("", "requests rejected", None if rejected is None else sum(rejected.values()))
    for reason, count in sorted((rejected or {}).items()):
        add("", f"rejected: {reason}", count)
    if "cancelled" in matching:
        add("", "cancelled", matching["cancelled"])
    add("sessions", "engagements open", scheduling.get("engagements_open"))
    add("", "engagements closed", scheduling.get("engagements_closed"))
    add("", "sessions scheduled", scheduling.get("sessions_scheduled"))
    add("", "sessions completed", scheduling.get("sessions_completed"))
    add(
        "",
        "engagements without a meeting",
        scheduling.get("engagements_without_meeting"),
    )
    add("e-mail", "delivered by this run", run.emails_delivered)
    add("", "delivered, all runs", notifications.get("emails_delivered"))
    add("", "pending, all runs", notifications.get("emails_pending"))
    add(
        "",
        "of which waiting for an address",
        notifications.get("emails_awaiting_address"),
    )
    add("", "failed, all runs", notifications.get("emails_failed"))
    eml = len(list(mail_dir.glob("*.eml"))) if mail_dir.exists() else 0
    add("", f".eml files in {mail_dir}, all runs", eml)
    table.caption = (
        "Counts cover every run on this stack, as the services keep them, except"
        " rows that say 'this run'. Mentors 'now' are as they stand at the end;"
        " each rejected submission counts, so a re-run adds rejections but not"
        " approvals."
    )
    table.add_section()
    add("run", "total wall time", f"{wall_s:.1f} s")
    for service, peak in sorted((peaks_mb or {}).items()):
        add("", f"peak memory (RSS) of {service}", f"{peak:.0f} MiB")
    return table
