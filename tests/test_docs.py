"""The README keeps up with the interface."""

from __future__ import annotations

from pathlib import Path

from reportgen.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_two_commands_on_its_first_screen() -> None:
    first_screen = "\n".join(README.splitlines()[:15])
    assert "make run" in first_screen and "make test" in first_screen


def test_readme_documents_every_command_and_option() -> None:
    for name, command in main.commands.items():
        assert f"reportgen {name}" in README
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("-") and option not in ("-h", "--help"):
                    assert f"`{option}" in README or f", {option}" in README, f"{name} {option}"


def test_readme_pictures_exist() -> None:
    root = Path(__file__).resolve().parents[1]
    for line in README.splitlines():
        for part in line.split("(docs/")[1:]:
            assert (root / "docs" / part.split(")")[0]).is_file()
