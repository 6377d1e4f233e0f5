"""Errors that a facilitator can act on: each says where, what is wrong and what to do."""

from __future__ import annotations

from pathlib import Path


class ReportgenError(Exception):
    """Base of every error the CLI turns into a one-paragraph message and exit code 2."""

    def __init__(
        self,
        problem: str,
        *,
        fix: str,
        file: Path | str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.problem = problem
        self.fix = fix
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        super().__init__(self.message)

    @property
    def where(self) -> str:
        """The place the problem was found, as "survey.xlsx, sheet "Form1", row 14, column F"."""
        parts = []
        if self.file is not None:
            parts.append(Path(self.file).name)
        if self.sheet is not None:
            parts.append(f'sheet "{self.sheet}"')
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    @property
    def message(self) -> str:
        """One paragraph: where, what is wrong, what to do."""
        where = self.where
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.problem} {self.fix}".strip()


class InputError(ReportgenError):
    """The survey export cannot be used (missing, unreadable, no matching sheet)."""


class InstrumentError(ReportgenError):
    """The instrument data file is missing or malformed."""


class BrandError(ReportgenError):
    """The brand folder is unusable; every problem is listed at once."""


class TemplateError(ReportgenError):
    """The report templates or content files are missing or broken."""


class OutputError(ReportgenError):
    """The output folder cannot be written."""


class SendError(ReportgenError):
    """Delivery cannot start or must stop: bad settings, no server, failed login."""


class RenderError(Exception):
    """One report could not be rendered; the batch goes on and the row is marked failed."""
