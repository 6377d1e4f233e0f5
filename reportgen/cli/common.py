"""What every command shares: the exit codes and the guard that turns errors into paragraphs."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import console
from ..errors import ReportgenError
from ..output.writer import disk_full_error, is_disk_full

F = TypeVar("F", bound=Callable[..., Any])
EXIT_OK, EXIT_PROBLEMS, EXIT_NOTHING_DONE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _guarded(command: F) -> F:
    """Turn a ReportgenError into its paragraph and exit 2; never show a traceback unasked."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return command(*args, **kwargs)
        except ReportgenError as error:
            console.error(error.message)
            sys.exit(EXIT_NOTHING_DONE)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # The output went to a reader that stopped early (`reportgen check x | head`): not an error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_OK)
        except Exception as error:
            if debug:
                raise
            if is_disk_full(error):  # wherever it struck, the same paragraph as in build
                where = getattr(error, "filename", None)
                console.error(disk_full_error(Path(where) if isinstance(where, str) else None).message)
                sys.exit(EXIT_NOTHING_DONE)
            console.internal_error(_error_log(traceback.format_exc()))
            sys.exit(EXIT_NOTHING_DONE)

    return run  # type: ignore[return-value]


def _error_log(text: str) -> Path:
    """Write the traceback to a new file of its own and return its path.

    A new name each time, created exclusively (mkstemp: O_EXCL, mode 600), in the user's cache
    folder: a fixed name in /tmp could be a link planted by another user to a file of yours.
    """
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reportgen"
    try:
        cache.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix="reportgen-error-", suffix=".log", dir=cache)
    except OSError:
        handle, name = tempfile.mkstemp(prefix="reportgen-error-", suffix=".log")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    return Path(name)
