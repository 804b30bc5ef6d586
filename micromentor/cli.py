"""The ``micromentor`` command: wiring of options to the modules that do the work."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from micromentor.config import DEFAULT_DATA_DIR, StackConfig
from micromentor.console import make_console
from micromentor.embedded.ports import PortInUseError

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Faculty micro-mentoring: run the stack, the demo, and HR imports.",
)
hr_app = typer.Typer(no_args_is_help=True, help="Faculty records from HR.")
app.add_typer(hr_app, name="hr")
letters_app = typer.Typer(no_args_is_help=True, help="The letters the program sends.")
app.add_typer(letters_app, name="letters")


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        make_console().print(f"micromentor {version('micromentor')}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Faculty micro-mentoring: run the stack, the demo, and HR imports."""


DataDir = Annotated[
    Path, typer.Option("--data-dir", help="Where the stack keeps its data and files.")
]
KafkaPort = Annotated[int, typer.Option("--kafka-port", help="Kafka broker port.")]
PostgresPort = Annotated[int, typer.Option("--postgres-port", help="PostgreSQL port.")]
SmtpPort = Annotated[int, typer.Option("--smtp-port", help="SMTP sink port.")]
HttpBasePort = Annotated[
    int,
    typer.Option(
        "--http-base-port",
        help="profiles' HTTP port; matching, scheduling, notifications follow it.",
    ),
]


def _fail(message: str, code: int) -> typer.Exit:
    make_console(stderr=True).print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


@app.command()
def up(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    kafka_port: KafkaPort = 19092,
    postgres_port: PostgresPort = 15432,
    smtp_port: SmtpPort = 1025,
    http_base_port: HttpBasePort = 8081,
) -> None:
    """Start the broker, PostgreSQL, the SMTP sink and the services; Ctrl-C stops."""
    from micromentor.up import StackAlreadyRunning, run_up

    config = StackConfig(data_dir, kafka_port, postgres_port, smtp_port, http_base_port)
    try:
        code = asyncio.run(run_up(config, make_console()))
    except PortInUseError as error:
        raise _fail(str(error), 2) from None
    except StackAlreadyRunning as error:
        raise _fail(str(error), 2) from None
    raise typer.Exit(code)


@app.command()
def status(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Show the running stack and whether each service is ready."""
    from micromentor.status import show_status

    config = StackConfig(data_dir)
    raise typer.Exit(asyncio.run(show_status(config, make_console())))


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Seed for the roster and choices.")] = 7,
    faculty: Annotated[int, typer.Option(min=50, help="Faculty on the roster.")] = 600,
    requests: Annotated[int, typer.Option(min=1, help="Mentoring requests.")] = 240,
    volunteers: Annotated[int, typer.Option(min=1, help="Mentor volunteers.")] = 90,
    stage_timeout: Annotated[
        float,
        typer.Option(min=1, help="Seconds each stage may take before giving up."),
    ] = 300.0,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    kafka_port: KafkaPort = 19092,
    postgres_port: PostgresPort = 15432,
    smtp_port: SmtpPort = 1025,
    http_base_port: HttpBasePort = 8081,
) -> None:
    """Run the whole program once against a running stack, or one started for it."""
    from micromentor.demo.quiet_kafka import quiet_kafka_connection_errors
    from micromentor.demo.scenario import DemoOptions, run_demo
    from micromentor.up import StackAlreadyRunning

    quiet_kafka_connection_errors()
    config = StackConfig(data_dir, kafka_port, postgres_port, smtp_port, http_base_port)
    options = DemoOptions(seed, faculty, requests, volunteers, stage_timeout)
    try:
        code = asyncio.run(run_demo(config, options, make_console()))
    except (PortInUseError, StackAlreadyRunning) as error:
        raise _fail(str(error), 2) from None
    raise typer.Exit(code)


@hr_app.command("import")
def hr_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate only; publish nothing.")
    ] = False,
    bootstrap_servers: Annotated[
        str | None,
        typer.Option(help="Kafka bootstrap servers (else env, else stack.json)."),
    ] = None,
    topic_prefix: Annotated[
        str, typer.Option(envvar="MICROMENTOR_TOPIC_PREFIX", help="Topic name prefix.")
    ] = "",
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Validate every row of a faculty CSV, then publish all of it or none of it."""
    from aiokafka.errors import KafkaError

    from micromentor.hr_import import (
        HrTopicMissing,
        check_and_report,
        publish_faculty_records,
        rows_count,
    )
    from micromentor.kafka_target import NoBrokerConfigured, resolve_bootstrap_servers
    from shared.contracts.topics import Topics

    console = make_console()
    checked = check_and_report(file, console)
    if not checked.ok:
        raise typer.Exit(1)
    records = [record for _line, record in checked.records]
    if dry_run:
        console.print(
            f"{rows_count(len(records))} valid; nothing published (--dry-run)."
        )
        return
    try:
        servers = resolve_bootstrap_servers(bootstrap_servers, data_dir)
    except NoBrokerConfigured as error:
        raise _fail(str(error), 2) from None
    topics = Topics(topic_prefix)
    try:
        count = asyncio.run(publish_faculty_records(servers, topics, records))
    except HrTopicMissing as error:
        raise _fail(str(error), 2) from None
    except KafkaError as error:
        raise _fail(f"publishing to {servers} failed: {error!r}", 2) from None
    record_word = "faculty record" if count == 1 else "faculty records"
    console.print(
        f"Published {count} {record_word} to {topics.hr_faculty_records}"
        f" on {servers} (acks=all)."
    )


@hr_app.command("export-sample")
def hr_export_sample(
    file: Annotated[Path, typer.Argument(dir_okay=False)],
    seed: Annotated[int, typer.Option(help="Seed for the roster.")] = 7,
    faculty: Annotated[int, typer.Option(min=1, help="How many records.")] = 600,
) -> None:
    """Write a realistic sample faculty CSV to try ``hr import`` with."""
    from micromentor.hr_sample import write_sample

    write_sample(file, seed=seed, count=faculty)
    make_console().print(f"Wrote {faculty} faculty records to {file}.")


@letters_app.command("resend-failed")
def letters_resend_failed(
    to: Annotated[
        str | None,
        typer.Option("--to", help="Only this employee's failed letters."),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            help="The notifications service, e.g. http://notifications:8080"
            " (else the stack started from --data-dir)."
        ),
    ] = None,
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Send failed letters again, e.g. after a mail relay outage longer than a day."""
    import httpx

    from micromentor.stack_file import StackInfo

    if url is None:
        info = StackInfo.read(StackConfig(data_dir).stack_file)
        if info is None or "notifications" not in info.http_ports:
            raise _fail(
                f"no stack is running from {data_dir}; pass --url with the"
                " notifications service's address",
                2,
            )
        url = info.service_url("notifications")
    body = {"recipient_employee_id": to} if to else None
    try:
        response = httpx.post(
            f"{url.rstrip('/')}/v1/letters/resend-failed",
            json=body,
            timeout=30,
            trust_env=False,
        )
    except httpx.HTTPError as error:
        raise _fail(f"could not reach notifications at {url}: {error}", 2) from None
    if response.status_code != 200:
        raise _fail(
            f"notifications at {url} answered {response.status_code}:"
            f" {response.text[:500]}",
            2,
        )
    count = response.json()["requeued"]
    whose = f" to {to}" if to else ""
    letter_word = "letter" if count == 1 else "letters"
    make_console().print(
        f"{count} failed {letter_word}{whose} put back in the queue; they go out"
        " with the next delivery round."
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
