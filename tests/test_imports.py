"""The pipeline's layout holds: each module imports only what its stage owns."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import reportgen

PACKAGE = Path(reportgen.__file__).parent
# Third-party imports allowed per module; everything else may use only the stdlib and reportgen.
ALLOWED = {
    "cli.py": {"click"},
    "reader.py": {"openpyxl", "defusedxml"},  # defusedxml: to recognise a refused XML bomb
    "writer.py": {"openpyxl"},  # writes scores.xlsx
    "renderer.py": {"jinja2", "weasyprint"},
    "report.py": {"babel"},
    "deliver.py": {"pypdf"},  # reads the leader id out of each PDF before sending it
}
THIRD_PARTY = {"click", "openpyxl", "jinja2", "weasyprint", "babel", "pypdf", "defusedxml"}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_each_module_imports_only_its_own_libraries() -> None:
    for path in PACKAGE.glob("*.py"):
        third_party = imported(path) & THIRD_PARTY
        assert third_party <= ALLOWED.get(path.name, set()), f"{path.name} imports {third_party}"


def test_nothing_imports_the_cli() -> None:
    for path in PACKAGE.glob("*.py"):
        if path.name not in ("cli.py", "__main__.py"):
            source = path.read_text(encoding="utf-8")
            assert "from .cli" not in source and "reportgen.cli" not in source, path.name


def test_help_check_and_score_do_not_import_weasyprint(tmp_path: Path) -> None:
    from .conftest import IDENTITY, SHARED_ROWS, item_headers, write_xlsx

    survey = write_xlsx(tmp_path / "s.xlsx", [IDENTITY + item_headers(), *SHARED_ROWS])
    probe = (
        "import sys\n"
        "from reportgen.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert 'weasyprint' not in sys.modules, 'weasyprint was imported'\n"
    )
    for args in (["--help"], ["score", str(survey)], ["check", str(survey)]):
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
