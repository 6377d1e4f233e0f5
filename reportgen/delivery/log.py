"""DIR/delivery.csv: one line per message the server accepted or refused, written the moment it happens."""

from __future__ import annotations

import csv
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from ..models import email_key
from ..output.writer import csv_safe, csv_unsafe

DELIVERY = "delivery.csv"
DELIVERY_COLUMNS = ("time", "status", "name", "email", "sent_to", "pdf", "sha256", "smtp_response")


class Logged(Protocol):
    """What a log line says of the message: whose report, which file, its hash."""

    @property
    def name(self) -> str:
        """The leader's name."""

    @property
    def email(self) -> str:
        """The leader's e-mail address."""

    @property
    def pdf(self) -> str:
        """The report's file name."""

    @property
    def sha256(self) -> str:
        """The report's hash."""


def sent_before(folder: Path) -> dict[str, dict[str, str]]:
    """E-mail key → the last "sent" record of delivery.csv; lines cut short by a crash are ignored."""
    path = folder / DELIVERY
    if not path.is_file():
        return {}
    sent: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as file:
        for record in csv.DictReader(file):
            if record.get("status") == "sent" and record.get("sha256") and record.get("smtp_response") is not None:
                sent[email_key(csv_unsafe(record["email"]))] = record
    return sent


def sent_in_last_day(folder: Path) -> int:
    """Messages recorded as sent (or test-sent) in the last 24 hours, for the daily cap."""
    path = folder / DELIVERY
    if not path.is_file():
        return 0
    since = datetime.now(UTC) - timedelta(days=1)
    with path.open(encoding="utf-8", newline="") as file:
        return sum(
            1
            for record in csv.DictReader(file)
            if record.get("status") in ("sent", "test") and _parse_time(record.get("time", "")) >= since
        )


def record(folder: Path, letter: Logged, status: str, sent_to: str, response: str) -> None:
    """Append one line to delivery.csv and make sure it is on disk before going on."""
    path = folder / DELIVERY
    new = not path.exists()
    row = (datetime.now(UTC).isoformat(timespec="seconds"), status, letter.name, letter.email, sent_to,
           letter.pdf, letter.sha256, response)  # fmt: skip
    with path.open("a", encoding="utf-8", newline="") as file:
        out = csv.writer(file, lineterminator="\n")
        if new:
            out.writerow(DELIVERY_COLUMNS)
        out.writerow([csv_safe(cell) for cell in row])
        file.flush()
        os.fsync(file.fileno())


def _parse_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
