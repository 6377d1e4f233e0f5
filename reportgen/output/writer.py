"""Output files: safe unique names, atomic writes, formula-safe CSV cells, and never a file reportgen did not write.

A folder's files that reportgen wrote are listed in DIR/.reportgen-written (names written there
before the files themselves); any other file of the same name is the user's and is never replaced.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from ..errors import OutputError
from ..models import TRANSLITERATE

# A cell starting with one of these can run as a formula when the file is opened in Excel.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAX_SLUG = 60
# Temporary files are named .reportgen-NAME.RANDOM.tmp: only files with reportgen's own prefix
# are ever removed, never a user's *.tmp (nor a folder of that name).
_TEMPORARY_PREFIX = ".reportgen-"
_TEMPORARY_SUFFIX = ".tmp"
# Letters that Unicode decomposition does not turn into ASCII.


def slugify(text: str) -> str:
    """A file-name part safe on Windows, macOS and Linux: "Søren Østergaard" → "soren-ostergaard"."""
    text = text.casefold().translate(TRANSLITERATE)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:_MAX_SLUG].rstrip("-") or "leader"


STABLE_ID = 6  # hex digits of the leader's random id in the report's file name


def report_name(name: str, leader_id: str, suffix: str = ".pdf", digits: int = STABLE_ID) -> str:
    """The report's file name, from the leader alone: "anne-sofie-kjaer-3f9a2c.pdf".

    Not the row: a late answer added at the top of the export must not rename every report.
    The id is the leader's random one, kept from build to build, so two leaders of one name get
    two files, and the name (which the leader sees on the attachment) tells nothing of their address.
    """
    return f"{slugify(name)}-{leader_id[:digits] or 'x'}{suffix}"


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
    """Write a file so that it is either complete or absent, never half-written; only ever over a plain file.

    A device (-o /dev/null), a pipe, a folder or a link at path is never replaced by a file.
    """
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        raise OutputError(
            f"{path} is not a plain file (a link, a device or a folder); reportgen writes only plain files.",
            fix="Give the path of a file to write (e.g. in your own folder), not that one.",
            file=path,
        )
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


WRITTEN = ".reportgen-written"  # the names of the files reportgen wrote into a folder, one a line
# A folder built before WRITTEN was kept is recognised by its manifest, whose header starts so.
_EARLIER_MANIFEST = ("manifest.csv", b"source_row")


def written_here(folder: Path) -> set[str]:
    """The names of the files reportgen wrote into this folder, as recorded there."""
    try:
        return set((folder / WRITTEN).read_text(encoding="utf-8").split("\n")) - {""}
    except FileNotFoundError:
        return _earlier_folder(folder)
    except (OSError, UnicodeDecodeError):
        return set()


def _earlier_folder(folder: Path) -> set[str]:
    """A folder an older reportgen built (its manifest is reportgen's): the files build writes count as its own."""
    name, start = _EARLIER_MANIFEST
    try:
        with (folder / name).open("rb") as file:
            head = file.read(16).removeprefix("\ufeff".encode())
    except OSError:
        return set()
    return {"*"} if head.startswith(start) else set()


def claim(folder: Path, names: Iterable[str], inputs: Iterable[Path] = ()) -> None:
    """Record these names as reportgen's before writing them; OutputError if one is the user's file.

    A name is the user's when a file (or folder) of that name is there and reportgen did not write
    it; an input of the run is never an output, whoever wrote it.
    """
    wanted = sorted(set(names))
    targets = {(folder / name).resolve(): name for name in wanted}
    for given in inputs:
        if given.resolve() in targets:
            raise OutputError(
                f"{given} is an input of this run, and the run would write its {targets[given.resolve()]} over it.",
                fix="Choose another output folder with -o (e.g. -o reports); the input is never overwritten.",
                file=given,
            )
    ours = written_here(folder)
    theirs = [name for name in wanted if name not in ours and "*" not in ours and os.path.lexists(folder / name)]
    if theirs:
        raise OutputError(
            f"The output folder holds files that reportgen did not write: {', '.join(theirs)}. "
            "reportgen never replaces a file it did not write; nothing was written.",
            fix="Choose another (or a new, empty) folder with -o, or move those files away; then run again.",
            file=folder,
        )
    recorded = sorted((ours - {"*"}) | set(wanted))
    write_atomic(folder / WRITTEN, ("\n".join(recorded) + "\n").encode("utf-8"))


def refuse_existing(path: Path, force: bool, what: str) -> None:
    """OutputError when a file is already at path and --force was not given, saying what is there."""
    if force or not os.path.lexists(path):
        return
    try:
        status = path.stat()
        there = f"{status.st_size:,} bytes, changed {datetime.fromtimestamp(status.st_mtime):%Y-%m-%d %H:%M}"
    except OSError:
        there = "it cannot be read"
    raise OutputError(
        f"{path.name} is already there ({there}); reportgen does not replace it, as it may hold your work.",
        fix=f"Give another file name, or add --force to replace it with the new {what}.",
        file=path,
    )
