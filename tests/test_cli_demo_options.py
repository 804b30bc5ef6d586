"""The demo's options: what it refuses, and what it says when it plays less."""

from __future__ import annotations

from typer.testing import CliRunner

from micromentor.cli import app
from micromentor.demo.requests import build_requests
from micromentor.demo.roster import build_roster
from micromentor.demo.scenario import DemoOptions, shortfalls
from micromentor.demo.volunteers import build_volunteers


def test_a_stage_timeout_below_one_second_is_refused_before_anything_starts(
    tmp_path,
):
    result = CliRunner().invoke(
        app,
        ["demo", "--stage-timeout", "-1", "--data-dir", str(tmp_path)],
        env={"COLUMNS": "200"},
    )

    assert result.exit_code == 2
    assert "--stage-timeout" in result.output
    assert not any(tmp_path.iterdir())


def test_asking_for_more_than_a_small_roster_holds_is_said_not_silently_cut():
    options = DemoOptions(faculty=50, volunteers=500, requests=300)
    roster = build_roster(options.seed, options.faculty)
    volunteers = build_volunteers(roster, options.seed, options.volunteers)
    planned = build_requests(roster, options.seed, options.requests)

    notes = shortfalls(options, len(volunteers), len(planned))

    assert len(volunteers) < 500 and len(planned) < 300
    assert notes == [
        f"A roster of 50 faculty has room for {len(volunteers)} mentor volunteers,"
        f" not 500; the demo plays {len(volunteers)}. A larger --faculty makes room"
        " for more.",
        f"A roster of 50 faculty has room for {len(planned)} requests, not 300;"
        f" the demo plays {len(planned)}. A larger --faculty makes room for more.",
    ]
    assert shortfalls(DemoOptions(), 90, 240) == []
