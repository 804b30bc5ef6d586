"""How often ``micromentor up`` restarts a crashing service before giving up."""

from __future__ import annotations

from micromentor.restarts import CrashBudget, describe_exit


def test_restarts_wait_twice_as_long_each_time_up_to_the_cap_then_give_up():
    now = [0.0]
    budget = CrashBudget(limit=7, window_s=300, max_delay_s=30, clock=lambda: now[0])

    delays = [budget.record_crash() for _ in range(8)]

    assert delays == [1, 2, 4, 8, 16, 30, 30, None]


def test_crashes_older_than_the_window_no_longer_count():
    now = [0.0]
    budget = CrashBudget(limit=2, window_s=300, clock=lambda: now[0])
    budget.record_crash()
    budget.record_crash()

    now[0] = 301.0

    assert budget.record_crash() == 1
    assert budget.restarts == 3


def test_a_signal_and_an_exit_code_are_told_apart():
    assert describe_exit(-9) == "signal 9"
    assert describe_exit(3) == "exit code 3"
