"""``micromentor hr import``: validate a whole CSV, then publish it or nothing."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from micromentor.closing import close_quietly
from micromentor.hr_validation import CheckedFile, check_hr_file
from micromentor.kafka_io import faculty_producer, publish_json
from shared.contracts.hr import FacultyRecord
from shared.contracts.topics import Topics


class HrTopicMissing(RuntimeError):
    """The HR topic is not on the broker, so no service would read the records."""


async def publish_faculty_records(
    bootstrap_servers: str, topics: Topics, records: list[FacultyRecord]
) -> int:
    """Publish records as plain JSON keyed by employee id; returns the count acked.

    Only to a topic that exists: a mistyped prefix would otherwise create a new
    topic that nothing reads, and the import would look like a success.
    """
    producer = faculty_producer(bootstrap_servers)
    try:
        await producer.start()
        metadata = await producer.client.fetch_all_metadata()
        if topics.hr_faculty_records not in metadata.topics():
            raise HrTopicMissing(
                f"topic {topics.hr_faculty_records!r} does not exist on"
                f" {bootstrap_servers}, so no service would read these records;"
                " nothing was published. Check --topic-prefix (or"
                " MICROMENTOR_TOPIC_PREFIX) against the prefix the services use;"
                " `micromentor up` creates its topics with no prefix."
            )
        return await publish_json(
            producer,
            topics.hr_faculty_records,
            ((r.employee_id, r.model_dump(mode="json")) for r in records),
        )
    finally:
        await close_quietly(producer.stop())


def problems_table(checked: CheckedFile, path: Path) -> Table:
    table = Table(title=f"{_plural(len(checked.problems), 'bad row')} in {path}")
    table.add_column("line", justify="right")
    table.add_column("employee id")
    table.add_column("problem")
    for problem in checked.problems:
        table.add_row(
            str(problem.line), problem.employee_id or "-", "\n".join(problem.reasons)
        )
    return table


def check_and_report(path: Path, console: Console) -> CheckedFile:
    """Validate ``path`` and print every bad row; the caller decides what follows."""
    checked = check_hr_file(path)
    if checked.file_error is not None:
        console.print(
            Text("error: ", style="bold red") + Text(checked.file_error),
            soft_wrap=True,
        )
    elif checked.problems:
        console.print(problems_table(checked, path))
        if checked.problems[0].line == 1:
            console.print(
                "[bold red]Nothing was published:[/] fix the header line above;"
                " the rows are checked once it names the columns."
            )
        else:
            console.print(
                "[bold red]Nothing was published:[/] fix the"
                f" {_plural(len(checked.problems), 'bad row')} above"
                f" ({rows_count(len(checked.records), past=True)} valid)."
            )
    return checked


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def rows_count(count: int, *, past: bool = False) -> str:
    """``1 row is`` / ``2 rows are`` (``was`` / ``were`` when ``past``)."""
    if count == 1:
        return f"1 row {'was' if past else 'is'}"
    return f"{count} rows {'were' if past else 'are'}"
