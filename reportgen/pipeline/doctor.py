"""doctor: is this computer ready? Python, Pango and HarfBuzz, the fonts, the output folder, the mail settings.

Each check says what it found and, for a problem, what to do. The mail check connects and
signs in as send would, and sends nothing.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..brand import brand_or_bundled
from ..config import check_options, send_options
from ..delivery.mailer import TemporaryFailure
from ..delivery.transport import open_transport
from ..errors import ReportgenError
from ..render.system import install_advice, missing_libraries, python_version


@dataclass(frozen=True)
class Check:
    """One thing doctor looked at: what it found, and what to do when it is a problem."""

    name: str
    ok: bool
    found: str
    fix: str = ""


def doctor(
    output: Path,
    brand_dir: Path | None,
    config: Path | None,
    given: dict[str, object],
    password: Callable[[], str | None],
    mail: bool = True,
) -> list[Check]:
    """Every check, in the order of a run: software, templates, output, mail."""
    checks = [_python(), _libraries(), _fonts(brand_dir), _output(output)]
    if mail:
        checks.append(_mail(brand_dir, config, given, password))
    return checks


def _python() -> Check:
    ok = sys.version_info >= (3, 11)
    return Check("Python", ok, f"{python_version()} at {sys.executable}", "" if ok else "Install Python 3.11 or newer.")


def _libraries() -> Check:
    said = missing_libraries()
    if said is None:
        return Check("Pango, HarfBuzz", True, "loaded: PDFs can be written")
    return Check("Pango, HarfBuzz", False, f"cannot be loaded ({said})", install_advice())


def _fonts(brand_dir: Path | None) -> Check:
    try:
        brand = brand_or_bundled(brand_dir)
    except ReportgenError as error:
        return Check("brand and fonts", False, error.problem, error.fix)
    names = ", ".join(sorted({path.name for path in brand.fonts.values()}))
    return Check("brand and fonts", True, f"{brand.root}: {names}")


def _output(output: Path) -> Check:
    folder = output if output.is_dir() else output.parent if output.parent.is_dir() else None
    fix = f"Choose another folder with -o, or check the permissions of {output}."
    if folder is None or not os.access(folder, os.W_OK):
        return Check("output folder", False, f"{output} cannot be written", fix)
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        return Check("output folder", False, f"{output} cannot be written ({error.strerror})", fix)
    return Check("output folder", True, f"{output.resolve()} can be written" + ("" if output.is_dir() else " (new)"))


def _mail(
    brand_dir: Path | None, config: Path | None, given: dict[str, object], password: Callable[[], str | None]
) -> Check:
    try:
        brand = brand_or_bundled(brand_dir)
        check_options(brand.mail, brand.root / "brand.toml", "[mail] table of the brand")
        options = send_options(given, config, brand.mail)
        if options.via == "smtp" and not options.smtp_host:
            found = "not set up: send can write drafts (--eml DIR); to send, see the README's mail set-up"
            return Check("mail", True, found + " (--smtp-host, or --via graph)")
        transport = open_transport(options, password)
        try:
            transport.connect()
        finally:
            transport.close()
    except ReportgenError as error:
        return Check("mail", False, error.problem, error.fix)
    except TemporaryFailure as error:
        return Check("mail", False, f"the server cannot be reached: {error}", "Check the host, port and security.")
    return Check("mail", True, f"{transport.describe()}: connected and signed in, nothing sent")
