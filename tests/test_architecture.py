"""The import contracts in pyproject.toml hold, and they do catch a violation.

import-linter runs on a copy of the source tree so that the planted violations
never touch the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("shared", "services", "micromentor")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def contracted_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    return [module for contract in contracts for module in contract.get("modules", ())]


def copy_tree(target: Path) -> Path:
    """The packages and pyproject.toml, plus empty stand-ins for missing services."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    for module in contracted_modules():
        # A service another team has not delivered yet cannot break a
        # contract, but import-linter refuses to check a module that is absent.
        package = target.joinpath(*module.split("."))
        if not package.exists():
            package.mkdir(parents=True)
            (package / "__init__.py").write_text("")
    return target


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contracts_hold_for_the_code_as_it_is(tmp_path):
    result = lint_imports(copy_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "imported", "contract"),
    [
        (
            "services/profiles/peek.py",
            "services.matching",
            "Services are independent of each other",
        ),
        (
            "shared/peek.py",
            "services.profiles",
            "shared depends on no service and not on the command line",
        ),
        (
            "services/profiles/cli_peek.py",
            "micromentor",
            "Services do not import the command line",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, imported, contract):
    tree = copy_tree(tmp_path)
    (tree / module).write_text(f"import {imported}  # planted violation\n")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract} BROKEN" in result.stdout
    assert not (ROOT / module).exists()
