"""Write (or with --check, verify) the documentation generated from the code.

Run from the repository root: ``python tools/generate_docs.py [--check]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    # Run as a script, only tools/ would be importable; the contracts are
    # installed, the docgen helpers live next to this file.
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from tools.docgen.asyncapi import asyncapi_document  # noqa: E402
from tools.docgen.configuration import configuration_markdown  # noqa: E402
from tools.docgen.markdown import (  # noqa: E402
    GENERATED_NOTICE,
    render_template,
    topics_markdown,
)
from tools.docgen.schemas import schema_files  # noqa: E402

TEMPLATES = ROOT / "tools" / "docgen" / "templates"
GENERATED_FOLDERS = ("schemas",)


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def generate(docs_dir: Path) -> dict[str, str]:
    """Every generated file, relative to ``docs_dir``, with its content."""
    files = {
        f"schemas/{name}": json.dumps(schema, indent=2) + "\n"
        for name, schema in schema_files().items()
    }
    files["asyncapi.yaml"] = yaml.safe_dump(
        asyncapi_document(project_version()),
        sort_keys=False,
        allow_unicode=True,
        width=88,
    )
    files["topics.md"] = topics_markdown()
    files["configuration.md"] = configuration_markdown(GENERATED_NOTICE)
    for template in sorted(TEMPLATES.glob("*.md")):
        files[template.name] = render_template(
            template.read_text(), docs_dir / "examples"
        )
    return files


def drift(docs_dir: Path, files: dict[str, str]) -> list[str]:
    """Paths whose committed content differs from ``files``, or that are stale."""
    problems = [
        f"{path}: out of date"
        for path, content in files.items()
        if not (docs_dir / path).is_file() or (docs_dir / path).read_text() != content
    ]
    for folder in GENERATED_FOLDERS:
        for existing in sorted((docs_dir / folder).glob("*")):
            relative = existing.relative_to(docs_dir).as_posix()
            if relative not in files:
                problems.append(f"{relative}: no longer generated")
    return problems


def write(docs_dir: Path, files: dict[str, str]) -> None:
    for folder in GENERATED_FOLDERS:
        for existing in (docs_dir / folder).glob("*"):
            if existing.relative_to(docs_dir).as_posix() not in files:
                existing.unlink()
    for path, content in files.items():
        target = docs_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)


def main(argv: list[str] | None = None) -> int:
    """Regenerate docs/, or report drift and exit 1 with --check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail on drift")
    parser.add_argument("--docs-dir", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)
    files = generate(args.docs_dir)
    if args.check:
        problems = drift(args.docs_dir, files)
        for problem in problems:
            print(f"docs drift: {problem}", file=sys.stderr)
        if problems:
            print("run `make docs` and commit the result", file=sys.stderr)
        return 1 if problems else 0
    write(args.docs_dir, files)
    print(f"wrote {len(files)} files under {args.docs_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
