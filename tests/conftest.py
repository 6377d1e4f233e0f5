"""Shared test helpers: a workbook factory, the instrument, PDF text, and one shared build."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings
from pypdf import PdfReader

from reportgen.cli import main
from reportgen.config import Settings
from reportgen.models import BuildResult, Instrument
from reportgen.pipeline.build import build
from reportgen.survey.instrument import load_instrument

from .factory import write_xlsx

# CI replays the same examples on every run (HYPOTHESIS_PROFILE=ci); a developer's runs explore new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

INSTRUMENT = load_instrument()
ITEM_CODES = [item.code for item in INSTRUMENT.items]
IDENTITY = ["Tidspunkt", "Mail", "Navn", "Organisation"]


def item_headers(lang: str = "da", instrument: Instrument = INSTRUMENT) -> list[str]:
    """The items' texts in the export's column order."""
    return [item.text[lang] for item in instrument.items]


def leader_row(
    name: str,
    email: str,
    answers: dict[str, Any] | int,
    organisation: str = "Testby Kommune",
    submitted: Any = None,
) -> list[Any]:
    """A data row for IDENTITY + item columns; an int answers every item with that value."""
    values = {code: answers for code in ITEM_CODES} if isinstance(answers, int) else answers
    return [submitted, email, name, organisation] + [values.get(code) for code in ITEM_CODES]


@pytest.fixture
def workbook(tmp_path: Path) -> Callable[..., Path]:
    """A factory of real .xlsx files: make(rows, headers=None, name="survey.xlsx", ...) → its path."""

    def make(
        rows: Sequence[Sequence[Any]],
        headers: Sequence[str] | None = None,
        name: str = "survey.xlsx",
        **kw: Any,
    ) -> Path:
        header = list(headers) if headers is not None else IDENTITY + item_headers()
        return write_xlsx(tmp_path / name, [header, *rows], **kw)

    return make


def pdf_text(path: Path) -> str:
    """All text of a PDF, whitespace collapsed."""
    reader = PdfReader(path)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


# Four leaders and two problem rows, built once and shared: rendering is the slow part.
SHARED_ROWS = [
    leader_row("Søren Østergaard", "soren@example.dk", {**{c: 5 for c in ITEM_CODES}, "F5": 1, "K1": 2, "K2": 2}),
    leader_row(
        "Åse Bræmer",
        "aase@example.dk",
        {
            "P1": "Uenig",
            "P2": 2,
            "P3": "2",
            "P4": 2.0,
            "F1": 4,
            "F2": 4,
            "F3": "Enig",
            "F4": 4,
            "F5": 2,
            "M1": 3,
            "M2": 3,
            "M3": 3,
            "M4": 3,
            "K1": 5,
            "V1": 5,
            "V2": 1,
            "V3": 3,
            "V4": 4,
        },
    ),
    leader_row('<img src="file:///etc/passwd"> Hacker', "hacker@example.dk", 3),
    leader_row("No Mail", "", 4),
    leader_row("Søren Østergaard", "SOREN@example.dk ", 1, submitted=None),
    leader_row(
        "Anna Agree",
        "anna@example.com",
        {c: "Strongly agree" for c in ITEM_CODES} | {"F5": "Strongly disagree"},
    ),
]


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """One build of SHARED_ROWS in Danish, used by many tests."""
    folder = tmp_path_factory.mktemp("shared")
    survey = write_xlsx(folder / "survey.xlsx", [IDENTITY + item_headers(), *SHARED_ROWS])
    settings = Settings(survey=survey, output_dir=folder / "reports", report_date=date(2026, 11, 27))
    return build(settings)


Cli = Callable[..., Result]  # what the `cli` fixture is: invoke


def invoke(args: Sequence[str], **options: Any) -> Result:
    """`reportgen ARGS` in this process through Click's test runner: the one way the tests run the CLI.

    Whatever the command does, it never ends in a traceback: every exit is a paragraph and a code
    (with --debug, which asks for the traceback, an internal error is let through as it should be).
    """
    result = CliRunner().invoke(main, list(args), **options)
    shown = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in shown, shown
    # An exception that escaped the command (Click's runner then exits 1), not one the guard turned into a paragraph.
    escaped = result.exit_code == 1 and not isinstance(result.exception, SystemExit | None)
    assert not escaped or "--debug" in args, repr(result.exception)
    return result


@pytest.fixture
def cli() -> Cli:
    """The CLI runner, for tests that take it as a fixture."""
    return invoke


class FakeClock:
    """Send's clock in the tests: sleeping only moves the time on, and is written down."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Every send in the test paces and retries on a fake clock: no real sleeps."""
    clock = FakeClock()
    monkeypatch.setattr("reportgen.delivery.send.SystemClock", lambda: clock)
    return clock
