"""Output files: safe unique names, atomic writes, formula-safe CSV cells."""

from __future__ import annotations

import errno
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from ..errors import OutputError

# A cell starting with one of these can run as a formula when the file is opened in Excel.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAX_SLUG = 60
# Temporary files are named .reportgen-NAME.RANDOM.tmp: only files with reportgen's own prefix
# are ever removed, never a user's *.tmp (nor a folder of that name).
_TEMPORARY_PREFIX = ".reportgen-"
_TEMPORARY_SUFFIX = ".tmp"
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
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f"{_TEMPORARY_PREFIX}{path.name}.", suffix=_TEMPORARY_SUFFIX
    )
    try:
        Path(temporary).chmod(_FILE_MODE)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def is_disk_full(error: BaseException) -> bool:
    """True for the OSError of a full disk or an exhausted quota."""
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


def disk_full_error(where: Path | None, done: str = "") -> OutputError:
    """The one paragraph for a full disk: what was written, and how to finish."""
    return OutputError(
        f"The disk is full: reportgen could not write more files into this folder. {done}".strip(),
        fix="Free some space on the disk (or choose a folder on another disk with -o) and run the same "
        "command again; it renders only the reports that are missing.",
        file=where,
    )


def csv_safe(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: "=HYPERLINK(…)" becomes "'=HYPERLINK(…)".

    A value that itself starts with "'" gets one more, so that csv_unsafe() gives back exactly the
    value, never another one ("'-bo@x.dk" must not come back as the address "-bo@x.dk").
    """
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith((*_FORMULA_START, "'")) else text


def csv_unsafe(text: str) -> str:
    """The value csv_safe() protected: exactly the "'" it added taken off."""
    return text[1:] if text.startswith("'") and text[1:].startswith((*_FORMULA_START, "'")) else text


def remove_temporaries(directory: Path) -> None:
    """Remove the temporary files of a run that was killed before it could clean up: reportgen's own only."""
    for path in directory.glob(f"{_TEMPORARY_PREFIX}*{_TEMPORARY_SUFFIX}"):
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
