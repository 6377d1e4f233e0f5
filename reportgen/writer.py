"""Output files: safe unique names, atomic writes, and the manifest."""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError
from .models import Outcome

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("source_row", "status", "reason", "name", "email", "pdf")
_MAX_SLUG = 60
# Letters that Unicode decomposition does not turn into ASCII.
_TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "ß": "ss", "ð": "d", "þ": "th", "ł": "l", "œ": "oe"})


def slugify(text: str) -> str:
    """A file-name part safe on Windows, macOS and Linux: "Søren Østergaard" → "soren-ostergaard"."""
    text = text.casefold().translate(_TRANSLITERATE)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:_MAX_SLUG].rstrip("-") or "leader"


def report_name(source_row: int, name: str, width: int, suffix: str = ".pdf") -> str:
    """The report's file name: the sheet row keeps it unique, the name keeps it readable."""
    return f"{source_row:0{width}d}-{slugify(name)}{suffix}"


def prepare_output(directory: Path) -> Path:
    """Create the output folder, or say why it cannot be used."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"The output folder cannot be created ({error.strerror}).",
            fix="Choose another folder with -o, or check its permissions.",
            file=directory,
        ) from None
    if not os.access(directory, os.W_OK):
        raise OutputError("The output folder is not writable.", fix="Choose another folder with -o.", file=directory)
    return directory


def _file_mode() -> int:
    """The mode a plainly created file gets (mkstemp makes files private to the owner)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _file_mode()


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that it is either complete or absent, never half-written."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, _FILE_MODE)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def manifest_bytes(outcomes: Iterable[Outcome]) -> bytes:
    """The manifest: every data row of the input with what became of it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    for outcome in outcomes:
        writer.writerow(
            (
                outcome.source_row,
                outcome.status,
                outcome.reason or "",
                outcome.response.name,
                outcome.response.email,
                outcome.pdf or "",
            )
        )
    return buffer.getvalue().encode("utf-8")


def write_manifest(directory: Path, outcomes: Iterable[Outcome]) -> Path:
    """Write DIR/manifest.csv atomically and return its path."""
    path = directory / MANIFEST
    write_atomic(path, manifest_bytes(outcomes))
    return path


def score_records(outcomes: Iterable[Outcome], step_ids: Iterable[str]) -> list[dict[str, object]]:
    """`reportgen score`'s records: one per data row, in input order. Keep this form stable."""
    steps = list(step_ids)
    records: list[dict[str, object]] = []
    for outcome in outcomes:
        assessment = outcome.assessment if outcome.status != "invalid" else None
        results = {s.step_id: s for s in assessment.steps} if assessment else {}
        records.append(
            {
                "source_row": outcome.source_row,
                "status": "ok" if outcome.status in ("ok", "rendered", "failed") else outcome.status,
                "reason": outcome.reason,
                "name": outcome.response.name,
                "email": outcome.response.email,
                "scores": {step: results[step].rounded if step in results else None for step in steps},
                "bands": {step: results[step].band_id if step in results else None for step in steps},
                "priority": list(assessment.reading_order) if assessment else [],
            }
        )
    return records


def records_csv(records: list[dict[str, object]], step_ids: Iterable[str]) -> str:
    """The score records flattened: score_<step>, band_<step>, priority joined with ">"."""
    steps = list(step_ids)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["source_row", "status", "reason", "name", "email"]
        + [f"score_{s}" for s in steps]
        + [f"band_{s}" for s in steps]
        + ["priority"]
    )
    for record in records:
        scores = record["scores"]
        bands = record["bands"]
        assert isinstance(scores, dict) and isinstance(bands, dict) and isinstance(record["priority"], list)
        writer.writerow(
            [record["source_row"], record["status"], record["reason"] or "", record["name"], record["email"]]
            + ["" if scores[s] is None else scores[s] for s in steps]
            + [bands[s] or "" for s in steps]
            + [">".join(record["priority"])]
        )
    return buffer.getvalue()
