"""The system user PostgreSQL runs as under root is created even from a bare PATH."""

from __future__ import annotations

import subprocess

import pytest

from micromentor.embedded import postgres


@pytest.fixture
def missing_user(monkeypatch):
    def getpwnam(name):
        raise KeyError(name)

    monkeypatch.setattr(postgres.pwd, "getpwnam", getpwnam)


def test_useradd_is_found_outside_a_path_without_sbin(
    monkeypatch, tmp_path, missing_user
):
    sbin = tmp_path / "sbin"
    sbin.mkdir()
    tool = sbin / "useradd"
    tool.write_text("#!/bin/sh\nexit 0\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setattr(postgres, "_SYSTEM_TOOL_DIRS", (str(sbin),))
    calls = []

    def run(command, **kwargs):
        calls.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(postgres.subprocess, "run", run)
    postgres.ensure_service_user("someone")
    assert calls == [[str(tool), "--shell", "/bin/bash", "someone"]]


def test_without_useradd_the_error_says_what_to_do(monkeypatch, tmp_path, missing_user):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(postgres, "_SYSTEM_TOOL_DIRS", ())
    with pytest.raises(RuntimeError, match="Create that user, or start micromentor"):
        postgres.ensure_service_user("someone")


def test_a_failing_useradd_is_reported_with_its_message(
    monkeypatch, tmp_path, missing_user
):
    tool = tmp_path / "useradd"
    tool.write_text("#!/bin/sh\necho 'useradd: cannot lock /etc/passwd' >&2\nexit 1\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(postgres, "_SYSTEM_TOOL_DIRS", ())
    with pytest.raises(RuntimeError, match="cannot lock /etc/passwd"):
        postgres.ensure_service_user("someone")
