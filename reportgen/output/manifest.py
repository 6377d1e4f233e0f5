"""DIR/manifest.csv, every input row with what became of it, and DIR/build.json, what `send` must know.

The only module that writes or reads either file: build writes them, build (what can be
reused, the kept cover date) and send (what to deliver, with which instrument and brand,
and why a report changed since it was sent) read them. Also the CSV dialects of the
facilitator's CSV files: plain, or as Danish Excel opens them (UTF-8 with BOM, ";").
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Protocol

from ..config import Settings
from ..errors import OutputError
from ..models import Outcome, Survey, email_key
from .writer import csv_safe, csv_unsafe, write_atomic

MANIFEST = "manifest.csv"
# name → (delimiter, byte order mark): Danish Excel reads a CSV file by ";" and needs the BOM to see UTF-8.
CSV_DIALECTS = {"excel": (",", False), "excel-da": (";", True)}
BOM = "\ufeff"
MANIFEST_COLUMNS = ("source_row", "status", "reason", "name", "email", "pdf", "fingerprint", "language", "leader_id")
BUILD_INFO = "build.json"
LEADER_IDS = ".reportgen-leaders.json"  # e-mail key → leader id, of every leader a build has named


@dataclass(frozen=True)
class ManifestRow:
    """One line of the manifest, as build wrote it."""

    source_row: int
    status: str
    reason: str
    name: str
    email: str
    pdf: str
    fingerprint: str
    language: str
    leader_id: str = ""  # the id in the leader's PDF; "" in a manifest from before ids were random


@dataclass(frozen=True)
class BuildInfo:
    """What the reports of a folder were built with, for `send`'s mail: instrument, brand, languages."""

    instrument: str  # the instrument file's path; "" for the bundled one
    brand: str  # the brand folder's path; "" for the bundled one
    languages: tuple[str, ...]
    date: str = ""  # the cover date, ISO; kept for the next build of the folder until --date changes it
    # sha256 of each report file built here → what it was built from (answers, brand, date …), to say what changed
    reports: dict[str, dict[str, str]] = field(default_factory=dict)
    # leader id → the address their report was built for: send mails a report there and nowhere else,
    # whatever manifest.csv says now
    addresses: dict[str, str] = field(default_factory=dict)
    survey: str = ""  # the export's path, resolved: a folder belongs to one workshop
    built: str = ""  # the day of the last build, ISO
    answered: dict[str, str] = field(default_factory=dict)  # source row → when it was submitted, ISO; for status


def build_info(
    settings: Settings,
    ordered: Sequence[Outcome],
    languages: tuple[str, ...],
    report_date: date,
    reports: dict[str, dict[str, str]],
) -> BuildInfo:
    """What build.json records of this build: its inputs, the cover date, each report's address and history."""

    def absolute(path: Path | None) -> str:
        return str(path.resolve()) if path else ""

    return BuildInfo(
        absolute(settings.instrument),
        absolute(settings.brand),
        languages,
        date=report_date.isoformat(),
        reports=reports,
        addresses={o.response.leader_id: o.response.email.strip() for o in ordered if o.status == "rendered"},
        survey=str(settings.survey.resolve()),
        built=(settings.today or date.today()).isoformat(),
        answered={
            str(o.source_row): o.response.submitted.isoformat(sep=" ", timespec="minutes")
            for o in ordered
            if o.response.submitted is not None
        },
    )


def csv_text(rows: Iterable[Sequence[object]], dialect: str = "excel") -> str:
    """Rows as CSV text in a dialect of CSV_DIALECTS, formula-looking cells protected."""
    delimiter, bom = CSV_DIALECTS[dialect]
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    out.writerows([csv_safe(cell) for cell in row] for row in rows)
    return (BOM if bom else "") + buffer.getvalue()


def manifest_rows(outcomes: Iterable[Outcome]) -> list[tuple[object, ...]]:
    """The manifest's rows: every data row of the input with what became of it."""
    return [
        (
            o.source_row,
            o.status,
            o.reason or "",
            o.response.name,
            o.response.email,
            o.pdf or "",
            o.fingerprint or "",
            o.language or "",
            o.response.leader_id,
        )
        for o in outcomes
    ]


def manifest_bytes(outcomes: Iterable[Outcome], dialect: str = "excel") -> bytes:
    """The manifest as UTF-8 CSV in the dialect, formula-looking cells protected."""
    return csv_text([MANIFEST_COLUMNS, *manifest_rows(outcomes)], dialect).encode("utf-8")


def write_manifest(directory: Path, outcomes: Iterable[Outcome], dialect: str = "excel") -> Path:
    """Write DIR/manifest.csv atomically and return its path."""
    path = directory / MANIFEST
    write_atomic(path, manifest_bytes(outcomes, dialect))
    return path


def read_manifest(directory: Path) -> list[ManifestRow] | None:
    """The rows of DIR/manifest.csv; None when there is none; OutputError naming the line when it cannot be read."""
    path = directory / MANIFEST
    if not path.is_file():
        return None
    fix = (
        "Run reportgen build again into this folder; it writes a new manifest (reports that are unchanged "
        "are not rendered again)."
    )
    try:
        # Either dialect: "utf-8-sig" drops a BOM if there is one; the header line tells the delimiter.
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OutputError("The manifest is not UTF-8 text, as build writes it.", fix=fix, file=path) from None
    except OSError as error:
        raise OutputError(f"The manifest cannot be read ({error.strerror}).", fix=fix, file=path) from None
    delimiter = ";" if text.startswith(f"{MANIFEST_COLUMNS[0]};") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = [1]  # the line the record being read starts on (a quoted cell may span lines)
    try:
        return _manifest_rows(reader, start)
    except (csv.Error, ValueError) as error:
        raise OutputError(
            f"The manifest cannot be read: line {start[0]} is damaged ({error}).", fix=fix, file=path
        ) from None


def _manifest_rows(reader: _Reader, start: list[int]) -> list[ManifestRow]:
    """The manifest's rows; ValueError saying what is wrong with the record starting on line start[0]."""
    if tuple(next(reader, ())) != MANIFEST_COLUMNS:
        raise ValueError(f"it is not the header {','.join(MANIFEST_COLUMNS)}")
    rows = []
    start[0] = reader.line_num + 1
    for cells in reader:
        if len(cells) != len(MANIFEST_COLUMNS):
            raise ValueError(f"it has {len(cells)} fields instead of {len(MANIFEST_COLUMNS)}")
        values = dict(zip(MANIFEST_COLUMNS, cells, strict=True))
        if not values["source_row"].isdigit():
            raise ValueError(f'its source_row "{values["source_row"]}" is not a row number')
        fields = {key: csv_unsafe(values[key]) for key in MANIFEST_COLUMNS[1:]}
        rows.append(ManifestRow(source_row=int(values["source_row"]), **fields))
        start[0] = reader.line_num + 1
    return rows


class _Reader(Protocol):
    """A csv reader: rows, and the number of lines read so far."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


def earlier_fingerprints(directory: Path) -> dict[str, str]:
    """Report file → fingerprint of the rendered rows of an earlier run's manifest; {} if none is readable.

    A row without a leader id (a manifest from before ids were random) is left out: its report
    carries an id that no longer matches, so it is rendered again.
    """
    try:
        rows = read_manifest(directory) or []
    except OutputError:
        return {}
    return {row.pdf: row.fingerprint for row in rows if row.status == "rendered" and row.pdf and row.leader_id}


def leader_ids(directory: Path, emails: Iterable[str]) -> dict[str, str]:
    """E-mail key → the leader's id: the one an earlier run's manifest gave them, else a new random one.

    Kept from run to run, so that a report reused from an earlier run still names its leader, and
    its file keeps its name (which carries the start of the id).
    """
    try:
        rows = read_manifest(directory) or []
    except OutputError:
        rows = []
    earlier = {email_key(row.email): row.leader_id for row in rows if row.leader_id}
    try:
        kept = json.loads((directory / LEADER_IDS).read_text(encoding="utf-8"))
        earlier |= {str(key): str(value) for key, value in kept.items() if str(value).isalnum()}
    except (OSError, ValueError, AttributeError):
        pass
    return {key: earlier.get(key) or secrets.token_hex(16) for key in map(email_key, emails) if key}


def keep_leader_ids(directory: Path, ids: Mapping[str, str]) -> None:
    """Keep the leaders' ids in the folder before any report is rendered.

    A build killed before its manifest leaves reports whose names and PDFs carry these ids;
    the next build must give the leaders the same ones.
    """
    path = directory / LEADER_IDS
    try:
        kept = {str(key): str(value) for key, value in json.loads(path.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError):
        kept = {}
    write_atomic(path, (json.dumps(kept | dict(ids), indent=0) + "\n").encode("utf-8"))


def write_build_info(directory: Path, info: BuildInfo) -> None:
    """Write DIR/build.json atomically."""
    write_atomic(directory / BUILD_INFO, (json.dumps(asdict(info), indent=1) + "\n").encode("utf-8"))


def kept_date(directory: Path) -> date | None:
    """The cover date of the folder's earlier builds; None for a new folder (or an unreadable build.json)."""
    try:
        kept = read_build_info(directory).date
        return date.fromisoformat(kept) if kept else None
    except (OutputError, ValueError):
        return None


def earlier_reports(directory: Path) -> dict[str, dict[str, str]]:
    """What each report file built in the folder was built from, by its sha256; {} for a new folder."""
    try:
        return read_build_info(directory).reports
    except OutputError:
        return {}


def changes_since(directory: Path, sent_sha256: str, current_sha256: str) -> tuple[str, ...] | None:
    """The parts a report was built from ("answers", "brand", "date" …) that changed since the version sent.

    `send`'s hook for a changed PDF: the two file digests (delivery.csv's and the file's now) in,
    the names of the parts that differ out, in a fixed order; () when none did (rendered again
    with --force); None when the sent version was built before build.json kept its parts.
    console.change_reason() puts them in words.
    """
    reports = earlier_reports(directory)
    before, now = reports.get(sent_sha256), reports.get(current_sha256)
    if before is None or now is None:
        return None
    return tuple(part for part in now if before.get(part) != now[part]) + tuple(
        part for part in before if part not in now
    )


def read_build_info(directory: Path) -> BuildInfo:
    """What the folder's reports were built with; the bundled defaults for a folder built before build.json."""
    path = directory / BUILD_INFO
    if not path.is_file():
        return BuildInfo(instrument="", brand="", languages=())
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        reports = data.get("reports", {})
        return BuildInfo(
            str(data["instrument"]),
            str(data["brand"]),
            tuple(str(x) for x in data["languages"]),
            date=str(data.get("date", "")),
            reports={str(k): {str(p): str(v) for p, v in parts.items()} for k, parts in reports.items()},
            addresses={str(k): str(v) for k, v in data.get("addresses", {}).items()},
            survey=str(data.get("survey", "")),
            built=str(data.get("built", "")),
            answered={str(row): str(time) for row, time in data.get("answered", {}).items()},
        )
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise OutputError(
            f"The build information cannot be read ({type(error).__name__}: {error}).",
            fix="Run reportgen build again into this folder; it writes it anew.",
            file=path,
        ) from None


def with_leader_ids(output: Path, survey: Survey) -> Survey:
    """Each leader's id in their PDF: the earlier run's for the same e-mail, or a new random one."""
    ids = leader_ids(output, (o.response.email for o in survey.outcomes))
    with_ids = [replace(o.response, leader_id=ids.get(o.response.email_key, "")) for o in survey.outcomes]
    return replace(
        survey, outcomes=tuple(replace(o, response=r) for o, r in zip(survey.outcomes, with_ids, strict=True))
    )
