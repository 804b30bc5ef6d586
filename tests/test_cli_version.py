"""``micromentor --version`` names the installed release."""

from __future__ import annotations

from importlib.metadata import version

from typer.testing import CliRunner

from micromentor.cli import app


def test_version_prints_the_installed_release_and_exits():
    result = CliRunner().invoke(app, ["--version"])

    assert result.exit_code == 0
    assert result.output.strip() == f"micromentor {version('micromentor')}"


def test_without_a_command_the_help_is_shown():
    result = CliRunner().invoke(app, [], env={"COLUMNS": "120"})

    assert "Usage: " in result.output and "--version" in result.output
    assert "hr" in result.output and "demo" in result.output
