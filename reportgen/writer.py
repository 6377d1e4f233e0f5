"""Output files: safe unique names, atomic writes, and the manifest."""

from __future__ import annotations

import csv
import io
import os
import re
import statistics
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .errors import OutputError
from .models import Assessment, Instrument, Outcome

MANIFEST = "manifest.csv"
SCORES = "scores.xlsx"
MANIFEST_COLUMNS = ("source_row", "status", "reason", "name", "email", "pdf", "fingerprint", "language")
# A cell starting with one of these can run as a formula when the file is opened in Excel.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
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


def csv_safe(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: "=HYPERLINK(…)" becomes "'=HYPERLINK(…)"."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def csv_unsafe(text: str) -> str:
    """The value csv_safe() protected."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


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
        )
        for o in outcomes
    ]


def manifest_bytes(outcomes: Iterable[Outcome]) -> bytes:
    """The manifest as UTF-8 CSV, formula-looking cells protected."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    writer.writerows([csv_safe(cell) for cell in row] for row in manifest_rows(outcomes))
    return buffer.getvalue().encode("utf-8")


def read_manifest(directory: Path) -> dict[str, str]:
    """Report file → fingerprint of the rendered rows of an earlier run's manifest, if any."""
    try:
        with (directory / MANIFEST).open(encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    return {
        csv_unsafe(row["pdf"]): row.get("fingerprint") or ""
        for row in rows
        if row.get("status") == "rendered" and row.get("pdf")
    }


def remove_temporaries(directory: Path) -> None:
    """Remove the temporary files of a run that was killed before it could clean up."""
    for path in directory.glob(".*.tmp"):
        path.unlink(missing_ok=True)


def write_manifest(directory: Path, outcomes: Iterable[Outcome]) -> Path:
    """Write DIR/manifest.csv atomically and return its path."""
    path = directory / MANIFEST
    write_atomic(path, manifest_bytes(outcomes))
    return path


def score_records(
    outcomes: Iterable[Outcome], step_ids: Iterable[str], with_previous: bool = False
) -> list[dict[str, object]]:
    """`reportgen score`'s records: one per data row, in input order. Keep this form stable.

    With --previous, each record also has the earlier scores and the changes (None where either is missing).
    """
    steps = list(step_ids)
    records: list[dict[str, object]] = []
    for outcome in outcomes:
        assessment = outcome.assessment if outcome.status != "invalid" else None
        scores = _rounded(assessment, steps)
        results = {s.step_id: s for s in assessment.steps} if assessment else {}
        record: dict[str, object] = {
            "source_row": outcome.source_row,
            "status": "ok" if outcome.status in ("ok", "rendered", "failed") else outcome.status,
            "reason": outcome.reason,
            "name": outcome.response.name,
            "email": outcome.response.email,
            "scores": scores,
            "bands": {step: results[step].band_id if step in results else None for step in steps},
            "priority": list(assessment.reading_order) if assessment else [],
        }
        if with_previous:
            before = _rounded(outcome.previous, steps)
            record["previous_scores"] = before
            record["changes"] = {
                step: None if (b := before[step]) is None or (n := scores[step]) is None else round(n - b, 1)
                for step in steps
            }
        records.append(record)
    return records


def _rounded(assessment: Assessment | None, steps: list[str]) -> dict[str, float | None]:
    """Each step's score as `score` prints it (one decimal), None where there is none."""
    results = {s.step_id: s for s in assessment.steps} if assessment else {}
    return {step: results[step].rounded if step in results else None for step in steps}


def _blank(values: object, step: str) -> object:
    assert isinstance(values, dict)
    return "" if values[step] is None else values[step]


def records_csv(records: list[dict[str, object]], step_ids: Iterable[str]) -> str:
    """The score records flattened: score_<step>, band_<step>, priority joined with ">"."""
    steps = list(step_ids)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    earlier = bool(records) and "previous_scores" in records[0]
    writer.writerow(
        ["source_row", "status", "reason", "name", "email"]
        + [f"score_{s}" for s in steps]
        + [f"band_{s}" for s in steps]
        + ([f"previous_{s}" for s in steps] + [f"change_{s}" for s in steps] if earlier else [])
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
            + (
                [_blank(record["previous_scores"], s) for s in steps] + [_blank(record["changes"], s) for s in steps]
                if earlier
                else []
            )
            + [">".join(record["priority"])]
        )
    return buffer.getvalue()


def write_scores(directory: Path, outcomes: Sequence[Outcome], instrument: Instrument, lang: str) -> Path:
    """DIR/scores.xlsx: one row per scored leader, the group's figures, and the manifest."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    steps = instrument.steps

    def text_row(sheet: Any, values: Iterable[object]) -> list[object]:
        # Strings are stored as text cells: a name like "=HYPERLINK(…)" never runs as a formula.
        row: list[object] = []
        for value in values:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                row.append(cell)
            else:
                row.append(value)
        return row

    leaders = book.create_sheet("Leaders")
    leaders.append(
        ["Row", "Name", "E-mail", "Organisation"]
        + [f"{s.title[lang]} score" for s in steps]
        + [f"{s.title[lang]} band" for s in steps]
        + ["Reading order", "Report"]
    )
    scored = [o for o in outcomes if o.assessment and o.status in ("rendered", "failed", "skipped", "ok")]
    bands = {band.id: band.label[lang] for band in instrument.bands}
    titles = {step.id: step.title[lang] for step in steps}
    for o in scored:
        assert o.assessment is not None
        results = [o.assessment.step(s.id) for s in steps]
        leaders.append(
            text_row(
                leaders,
                [o.source_row, o.response.name, o.response.email, o.response.organisation]
                + [r.rounded for r in results]
                + [bands.get(r.band_id or "", "") for r in results]
                + [" > ".join(titles[s] for s in o.assessment.reading_order), o.pdf or ""],
            )
        )
    group = book.create_sheet("Group")
    group.append(["Step", "Leaders scored", "Mean", "Median", "Min", "Max"])
    for step in steps:
        values = [float(o.assessment.step(step.id).rounded or 0) for o in scored
                  if o.assessment and o.assessment.step(step.id).score is not None]  # fmt: skip
        # A step nobody has a score for (no valid rows, or nobody answered it) has no figures.
        figures = (
            [round(statistics.fmean(values), 1), round(statistics.median(values), 1), min(values), max(values)]
            if values
            else [None] * 4
        )
        group.append(text_row(group, [step.title[lang], len(values), *figures]))
    manifest = book.create_sheet("Manifest")
    manifest.append(list(MANIFEST_COLUMNS))
    for row in manifest_rows(outcomes):
        manifest.append(text_row(manifest, row))
    path = directory / SCORES
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())
    return path
