"""`reportgen doctor`, and a computer without Pango: hidden from the loader in a child process.

The child replaces cffi's dlopen (what WeasyPrint loads Pango with) by one that refuses any
library named pango, as a Windows or macOS computer without it would, then runs the real CLI.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reportgen.render import system

from .conftest import invoke
from .delivery import test_send as mail
from .delivery.test_send import Mailbox

server = mail.server

HIDE_PANGO = """
import sys, cffi
real = cffi.FFI.dlopen
def dlopen(self, name, flags=0):
    if name and "pango" in str(name).lower():
        raise OSError(f"cannot load library '{name}': not found")
    return real(self, name, flags)
cffi.FFI.dlopen = dlopen
from reportgen.cli import main
main(sys.argv[1:], prog_name="reportgen")
"""


def without_pango(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", HIDE_PANGO, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_demo_without_pango_is_one_paragraph_and_exit_2(tmp_path: Path) -> None:
    done = without_pango("demo", "out", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    error = done.stderr.split("Error: ", 1)[1]
    assert "needs the Pango, HarfBuzz and fontconfig libraries" in error and "libpango-1.0-0" in error
    assert system.install_advice() in error and "reportgen doctor" in error
    assert len(error.strip().splitlines()) == 1  # one paragraph
    everything = done.stdout + done.stderr
    assert "Traceback" not in everything and "Internal error" not in everything
    assert "WeasyPrint could not import" not in everything  # WeasyPrint's own print is kept off the screen
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_each_system_has_its_own_paragraph() -> None:
    advice = {name: system.install_advice(name) for name in ("Windows", "Darwin", "Linux")}
    assert "MSYS2" in advice["Windows"] and "WEASYPRINT_DLL_DIRECTORIES" in advice["Windows"]
    assert "brew install pango" in advice["Darwin"] and "apt install libpango" in advice["Linux"]


def test_doctor_without_pango_names_the_problem_and_what_to_do(tmp_path: Path) -> None:
    done = without_pango("doctor", "--no-mail", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    problem = next(index for index, line in enumerate(lines) if "PROBLEM" in line)
    assert "Pango, HarfBuzz" in lines[problem] and "cannot be loaded" in lines[problem]
    assert system.install_advice() in lines[problem + 1]
    assert lines[-1] == "1 problem: see → above."


def test_doctor_with_pango_is_ready(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", "doctor", "--no-mail", "-o", str(tmp_path / "my reports")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok       Pango, HarfBuzz  loaded" in done.stdout and "Lato-Regular.ttf" in done.stdout
    assert f"{tmp_path / 'my reports'} can be written (new)" in done.stdout
    assert done.stdout.splitlines()[-1] == "Ready." and not (tmp_path / "my reports").exists()


def test_doctor_connects_to_the_mail_server_and_sends_nothing(tmp_path: Path, server: tuple[Mailbox, int]) -> None:
    mailbox, port = server
    settings = tmp_path / "reportgen.toml"
    settings.write_text(
        f'[send]\nfrom = "Workshop <ws@example.dk>"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
        'smtp_security = "none"\n',
        encoding="utf-8",
    )
    result = invoke(["doctor", "--config", str(settings), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "connected and signed in, nothing sent" in result.output and not mailbox.messages
    settings.write_text(settings.read_text().replace(str(port), "1"), encoding="utf-8")  # nothing listens on port 1
    refused = invoke(["doctor", "--config", str(settings), "-o", str(tmp_path)])
    assert refused.exit_code == 1 and "PROBLEM  mail" in refused.output and "cannot be reached" in refused.output
