"""The README's guide, run as written: each command line through bash, in a fresh venv, to sent mail.

The venv is new and reportgen is installed into it from this checkout (not editable), so the
commands run as a pipx user's would; its dependencies are reused from the running
environment through a .pth file, so nothing large is downloaded. The export has the real kind of
name (spaces and brackets), the mail goes to an SMTP server on 127.0.0.1 named in reportgen.toml,
as the README's mail set-up says.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .conftest import IDENTITY, item_headers, leader_row, pdf_text, write_xlsx
from .delivery import test_send as mail
from .delivery.test_send import Mailbox

server = mail.server
REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
GUIDE = [line for line in README.split("<!-- guide -->")[1].splitlines() if line.startswith("reportgen ")]
EXPORT = "Lederens GPS til sociale medier(1-9).xlsx"
LEADERS = [("Anne Sofie Kjær", "anne@example.dk"), ("Bo Ørum", "bo@example.dk"), ("Carl Berg", "carl@example.dk")]
SENDER = "workshop@example.dk"


@pytest.fixture(scope="module")
def fresh_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv with reportgen installed from this checkout; the dependencies reused, not downloaded."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    (Path(site) / "reuse-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    pip = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check", str(REPO)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stderr[-2000:]
    where = subprocess.run(
        [str(python), "-c", "import reportgen; print(reportgen.__file__)"],
        capture_output=True, text=True, check=True, cwd=venv,  # away from the checkout
    )  # fmt: skip
    assert where.stdout.startswith(site), where.stdout  # the installed copy, not this checkout
    return venv / "bin"


def test_every_command_of_the_guide_runs_in_a_fresh_venv_to_sent_mail(
    fresh_bin: Path, tmp_path: Path, server: tuple[Mailbox, int]
) -> None:
    mailbox, port = server
    rows = [leader_row(name, email, 2 + n) for n, (name, email) in enumerate(LEADERS)]
    write_xlsx(tmp_path / EXPORT, [IDENTITY + item_headers(), *rows])
    (tmp_path / "reportgen.toml").write_text(
        f'[send]\nfrom = "Lederens GPS <{SENDER}>"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
        'smtp_security = "none"\nrate = 600\n',
        encoding="utf-8",
    )
    # As the guide says after `new`: the list of invited leaders in the workshop's folder.
    folder = tmp_path / "Workshop november"
    folder.mkdir()
    write_xlsx(folder / "invited.xlsx", [["Navn", "E-mail"], *LEADERS, ("Dorte Dam", "dorte@example.dk")])
    env = {**os.environ, "PATH": f"{fresh_bin}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}
    assert len(GUIDE) == 10, GUIDE
    printed = []
    for line in GUIDE:
        done = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        printed.append(done.stdout)
    _, _, check, build, status, remind, dry, to_me, send, _ = printed
    assert (folder / "reportgen.toml").is_file() and (tmp_path / "questionnaire-da.docx").is_file()
    assert "3 rows: 3 ok" in check and "dorte@example.dk" in check  # invited, not answered
    assert "3 rows: 3 rendered" in build and (folder / "manifest.csv").is_file()
    assert "Cover date 2026-11-03" in build
    assert all(email in status for _, email in LEADERS) and "dorte@example.dk" in status
    assert "dorte@example.dk" in remind and "https://forms.office.com/r/GPS" in remind
    assert "Dry run: 3 to send, nothing sent" in dry
    assert "test → you (Anne Sofie Kjær's report)" in to_me
    assert [recipients for recipients, _ in mailbox.messages[:1]] == [[SENDER]]
    assert sorted(recipients[0] for recipients, _ in mailbox.messages[1:]) == [email for _, email in LEADERS]
    assert "3 sent" in send
    printout = pdf_text(folder / "print.pdf")
    assert all(name in printout for name, _ in LEADERS)
