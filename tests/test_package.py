"""A plain (non-editable) `pip install .` into a fresh venv builds reports on its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import IDENTITY, item_headers, leader_row, pdf_text, write_xlsx

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.network  # pip fetches the build backend and the dependencies from the package index
def test_wheel_install_carries_templates_fonts_and_instrument(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", str(REPO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert pip.returncode == 0, pip.stderr[-2000:]
    survey = write_xlsx(tmp_path / "s.xlsx", [IDENTITY + item_headers(), leader_row("Ulla Ærø", "u@example.dk", 4)])
    done = subprocess.run(
        [str(venv / "bin" / "reportgen"), "build", str(survey), "-o", "out", "--quiet"],
        cwd=tmp_path,  # away from the checkout: only the installed files can be used
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = pdf_text(tmp_path / "out" / "02-ulla-aero.pdf")
    assert "Ulla Ærø" in text and "Formål" in text
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import reportgen.config as c; print(c.bundled_templates())"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert "site-packages" in installed.stdout
