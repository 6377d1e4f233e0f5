"""The documents keep up with the interface: the README's guide, docs/commands.md, the reference.

docs/commands.md is each command's --help, generated (as sqlite-utils keeps its docs with cog):
`REPORTGEN_UPDATE_DOCS=1 pytest tests/test_docs.py` (or `make commands`) rewrites it after an option changes.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from reportgen.cli import main

from .conftest import invoke

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
REFERENCE = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
COMMANDS = ROOT / "docs" / "commands.md"
WIDTH = 100


def command_paths(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and sub-command, in the order --help lists them."""
    paths: list[tuple[str, ...]] = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
    return paths


def help_text(path: tuple[str, ...]) -> str:
    result = invoke([*path, "--help"], terminal_width=WIDTH, prog_name="reportgen")
    assert result.exit_code == 0, result.output
    return result.output


def generated() -> str:
    parts = [
        "# reportgen's commands\n",
        "Each command's `--help`, generated from the code by `tests/test_docs.py` (`make commands` rewrites it).\n",
        "```text\n" + help_text(()) + "```\n",
    ]
    for path in command_paths():
        parts.append(f"## reportgen {' '.join(path)}\n\n```text\n{help_text(path)}```\n")
    return "\n".join(parts)


def test_commands_md_is_the_current_help() -> None:
    text = generated()
    if os.environ.get("REPORTGEN_UPDATE_DOCS"):
        COMMANDS.write_text(text, encoding="utf-8")
    assert COMMANDS.read_text(encoding="utf-8") == text, "run: make commands"


def test_every_command_has_an_example_and_one_line() -> None:
    top = help_text(())
    assert not [line for line in top.splitlines()[1:] if line.rstrip().endswith("...")]  # nothing cut off
    for path in command_paths():
        if len(path) == 1:
            assert "Example:" in help_text(path), path
            line = next(line for line in top.splitlines() if line.strip().startswith(path[0] + " "))
            assert len(line) <= 80, line


def test_the_commands_are_listed_in_the_order_of_work() -> None:
    listed = [path[0] for path in command_paths() if len(path) == 1]
    work = ["demo", "doctor", "questionnaire", "check", "build", "send"]
    assert [name for name in listed if name in work] == work


def test_the_reference_documents_every_command_and_option() -> None:
    for path in command_paths():
        context = click.Context(main)
        command: click.Command | None = main
        for name in path:
            assert isinstance(command, click.Group)
            command = command.get_command(context, name)
        assert command is not None
        assert f"reportgen {' '.join(path)}" in REFERENCE, path
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("-") and option not in ("-h", "--help"):
                    assert f"`{option}" in REFERENCE or f", {option}" in REFERENCE, f"{path} {option}"


def test_the_readme_is_a_short_page_with_make_run_first() -> None:
    assert len(README.encode("utf-8")) <= 15_000
    first_screen = "\n".join(README.splitlines()[:15])
    assert "make run" in first_screen
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "make test" in "\n".join(contributing.splitlines()[:10])


def test_links_and_pictures_exist() -> None:
    for document in (
        ROOT / "README.md",
        ROOT / "SECURITY.md",
        ROOT / "CONTRIBUTING.md",
        *sorted(ROOT.glob("docs/*.md")),
    ):
        text = document.read_text(encoding="utf-8")
        for part in text.split("](")[1:]:
            target = part.split(")")[0].split("#")[0]
            if target and not target.startswith(("http://", "https://")):
                assert (document.parent / target).exists(), f"{document.name}: {target}"
