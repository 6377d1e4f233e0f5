"""FOLDER/reportgen.toml's [workshop] table: the workshop's own facts, read by build, send, remind and status."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

from ..config import WORKSHOP_DATE_KEYS as DATE_KEYS
from ..config import WORKSHOP_TEXT_KEYS as TEXT_KEYS
from ..config import load_toml
from ..errors import ReportgenError
from ..output.writer import write_atomic

CONFIG = "reportgen.toml"


class WorkshopError(ReportgenError):
    """The workshop folder or its [workshop] table cannot be used."""


@dataclass(frozen=True)
class Workshop:
    """What the covers, the mail and the reminders say about the workshop; "" or None when not given."""

    name: str = ""
    date: dt.date | None = None
    place: str = ""
    facilitator: str = ""
    contact: str = ""
    sender: str = ""  # "Name <address>": the From of reports and reminders
    survey_link: str = ""
    deadline: dt.date | None = None  # the last day to answer, in reminders

    @property
    def given(self) -> bool:
        """Whether the folder has a [workshop] table at all."""
        return any(getattr(self, f.name) for f in fields(self))


def read_workshop(folder: Path) -> Workshop:
    """The [workshop] table of FOLDER/reportgen.toml, checked; an empty Workshop when there is none."""
    path = folder / CONFIG
    if not path.is_file():
        return Workshop()
    data = load_toml(
        path, WorkshopError, "workshop settings file", fix="Correct it, or make it anew with reportgen new."
    )
    table = data.get("workshop", {})
    if not isinstance(table, dict):
        raise WorkshopError("[workshop] is not a table.", fix="Write it as a [workshop] table of keys.", file=path)
    problems = [f"unknown key '{key}'" for key in table if key not in (*TEXT_KEYS, *DATE_KEYS)]
    problems += [
        f"'{key}' must be text in quotes" for key in TEXT_KEYS if key in table and not isinstance(table[key], str)
    ]
    values: dict[str, object] = {key: table[key] for key in TEXT_KEYS if isinstance(table.get(key), str)}
    for key in DATE_KEYS:
        if key in table:
            parsed = _date(table[key])
            if parsed is None:
                problems.append(f"'{key}' must be a date such as 2026-12-10")
            values[key] = parsed
    if problems:
        raise WorkshopError(
            "The [workshop] settings have problems: " + "; ".join(problems) + ".",
            fix=f"Correct them; the known keys are {', '.join((*TEXT_KEYS, *DATE_KEYS))}.",
            file=path,
        )
    return Workshop(**values)  # type: ignore[arg-type]


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def write_workshop(folder: Path, workshop: Workshop) -> Path:
    """Make FOLDER and its reportgen.toml ([workshop], and [send] with the sender); refuse to replace one."""
    path = folder / CONFIG
    if path.exists():
        raise WorkshopError(
            "The folder already has a reportgen.toml; reportgen new does not replace it.",
            fix="Edit that file, or give a new folder for a new workshop.",
            file=path,
        )
    if folder.exists() and not folder.is_dir():
        raise WorkshopError("This is a file, not a folder.", fix="Give a new folder's name.", file=folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["# Made by reportgen new: the workshop's facts, read by build, send, remind and status.", "[workshop]"]
    for item in fields(workshop):
        value = getattr(workshop, item.name)
        if isinstance(value, date):
            lines.append(f"{item.name} = {value.isoformat()}")
        elif value:
            lines.append(f"{item.name} = {json.dumps(value, ensure_ascii=False)}")
    if workshop.sender:
        lines += ["", "[send]", f"from = {json.dumps(workshop.sender, ensure_ascii=False)}"]
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))
    return path
