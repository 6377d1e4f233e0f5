"""One build or send at a time per output folder: DIR/.reportgen.lock, the only filelock importer.

The operating system holds the lock for the process and lets go of it when the process ends,
however it ends (kill -9 included), so a lock is never left behind. On POSIX systems the folder
itself is locked too (flock on the folder): deleting .reportgen.lock while a run holds it lets a
second run lock a new file of that name, but never the folder. (Windows refuses to delete a file
that a process holds open, so there the lock file is enough.) Who holds it (pid,
command, since when) is written beside it in DIR/.reportgen.lock.json, for the run that is
turned away to say.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from ..errors import OutputError
from .writer import write_atomic

LOCK = ".reportgen.lock"
HOLDER = ".reportgen.lock.json"


@contextmanager
def folder_lock(folder: Path, command: str) -> Iterator[None]:
    """Hold the folder's lock while the block runs; OutputError naming the holder if another run has it."""
    lock = FileLock(folder / LOCK, timeout=0)
    try:
        held = _lock_folder(folder)
        try:
            lock.acquire()
        except BaseException:
            _release_folder(held)
            raise
    except (Timeout, BlockingIOError):
        raise OutputError(
            f"Another reportgen run is using this folder ({holder(folder)}).",
            fix="Wait until it has finished, then run again; two runs at once could mail a leader twice "
            "or mix the reports of two exports.",
            file=folder,
        ) from None
    except OSError as error:
        raise OutputError(
            f"The folder cannot be locked for this run ({error.strerror or error}).",
            fix="Check that the folder is writable, or choose another one.",
            file=folder,
        ) from None
    try:
        since = datetime.now(UTC).isoformat(timespec="seconds")
        info = {"pid": os.getpid(), "command": command, "since": since, "host": socket.gethostname()}
        write_atomic(folder / HOLDER, (json.dumps(info) + "\n").encode("utf-8"))
        yield
    finally:
        (folder / HOLDER).unlink(missing_ok=True)
        lock.release()
        _release_folder(held)


def _lock_folder(folder: Path) -> int | None:
    """The folder itself locked (flock on its descriptor), which no file deletion undoes; None on Windows.

    BlockingIOError when another run holds it.
    """
    if fcntl is None:
        return None
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BaseException:
        os.close(handle)
        raise
    return handle


def _release_folder(handle: int | None) -> None:
    if handle is not None:
        os.close(handle)  # closing the descriptor ends its flock


def holder(folder: Path) -> str:
    """Who holds the folder's lock, as "pid 4711 on host, `reportgen send --send`, since …", as far as is known."""
    try:
        info = json.loads((folder / HOLDER).read_text(encoding="utf-8"))
        return (
            f"pid {info['pid']} on {info['host']}, `{info['command']}`, "
            f"since {datetime.fromisoformat(info['since']).strftime('%Y-%m-%d %H:%M:%S UTC')}"
        )
    except (OSError, ValueError, KeyError, TypeError):
        # The holder has only just started, and not yet said who it is.
        return "a run that has just started"
