"""The system libraries WeasyPrint needs (Pango, HarfBuzz, fontconfig): loaded, or what to install on this system.

WeasyPrint loads them with cffi when it is first imported; where one is missing it prints a
block of its own and raises OSError. `loading()` wraps that import: the print is kept off the
screen and the OSError becomes one paragraph for the system reportgen runs on, exit 2.
"""

from __future__ import annotations

import contextlib
import io
import platform
import sys
from collections.abc import Iterator

from ..errors import ReportgenError

# What to do, per system. Windows and macOS have no Pango by default; most Linux desktops do.
INSTALL = {
    "Windows": "On Windows, install MSYS2 (https://www.msys2.org), run `pacman -S mingw-w64-x86_64-pango` in its "
    "terminal, then set WEASYPRINT_DLL_DIRECTORIES to C:\\msys64\\mingw64\\bin (Settings → System → About → "
    "Advanced system settings → Environment Variables) and open a new terminal.",
    "Darwin": "On macOS, install Homebrew (https://brew.sh), then run `brew install pango`. On an Apple silicon Mac "
    "whose Python is not Homebrew's, also run `export DYLD_FALLBACK_LIBRARY_PATH=/opt/homebrew/lib` in the terminal "
    "(or add it to ~/.zprofile).",
    "Linux": "On Debian or Ubuntu, run `sudo apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0`; on "
    "Fedora, `sudo dnf install pango harfbuzz`; on Arch, `sudo pacman -S pango`.",
}


class SystemLibraryError(ReportgenError):
    """Pango, HarfBuzz or fontconfig cannot be loaded: reportgen can read and score, but not write PDFs."""


def missing_libraries() -> str | None:
    """None when WeasyPrint's libraries load; else what the loader said."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint.text.ffi  # noqa: F401 (loading it is the check)
    except OSError as error:
        return str(error).splitlines()[0] if str(error) else type(error).__name__
    return None


def install_advice(system: str | None = None) -> str:
    """What to install on this system (or the one named: Windows, Darwin, Linux)."""
    return INSTALL.get(system or platform.system(), INSTALL["Linux"])


def library_error(said: str) -> SystemLibraryError:
    """The one paragraph for a missing Pango (or HarfBuzz, fontconfig) on this system."""
    return SystemLibraryError(
        "reportgen writes PDFs with WeasyPrint, which needs the Pango, HarfBuzz and fontconfig libraries, and one "
        f"of them cannot be loaded on this computer ({said}).",
        fix=f"{install_advice()} Then run `reportgen doctor` to check.",
    )


@contextlib.contextmanager
def loading() -> Iterator[None]:
    """Import WeasyPrint inside this: a missing library is SystemLibraryError, without WeasyPrint's own print."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    except OSError as error:
        raise library_error(str(error).splitlines()[0] if str(error) else "not found") from None


def python_version() -> str:
    """The running Python's version, e.g. 3.12.3."""
    return ".".join(str(part) for part in sys.version_info[:3])
