"""The layering holds: each stage imports only the stages below it and the libraries it owns."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import reportgen

PACKAGE = Path(reportgen.__file__).parent
MODULES = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))
THIRD_PARTY = {
    "click", "openpyxl", "jinja2", "weasyprint", "babel", "pypdf", "defusedxml", "filelock", "email_validator",
    "docx", "charset_normalizer", "python_calamine", "msal", "google_auth_oauthlib", "google", "keyring",
    "platformdirs",
}  # fmt: skip
# The one module (or two) that may import each library; everything else uses the stdlib and reportgen.
OWNERS = {
    "click": {
        "cli/__init__.py",
        "cli/common.py",
        "cli/options.py",
        "cli/survey.py",
        "cli/build.py",
        "cli/send.py",
        "cli/login.py",
        "cli/doctor.py",
        "cli/group.py",
        "cli/remind.py",
        "cli/workshop.py",
        "console/core.py",
        "console/build.py",
        "console/send.py",
    },
    # Reading exports; writing scores.xlsx, and the questionnaire's answer sheet with its drop-down lists.
    "openpyxl": {"survey/reader.py", "output/workbook.py", "questionnaire/sheet.py"},
    "docx": {"questionnaire/word.py"},  # python-docx: the Word file for Microsoft Forms' Quick import
    "defusedxml": {"survey/reader.py", "brand.py"},  # exports' sheet XML; a brand's SVG logo's size
    "charset_normalizer": {"survey/delimited.py"},  # the code page of a CSV export that is not UTF-8
    "python_calamine": {"survey/reader.py"},  # .xls and .ods workbooks
    "olefile": {"survey/extent.py"},  # an .xls workbook's records, measured before calamine reads them
    "jinja2": {"render/templates.py"},
    "weasyprint": {"render/renderer.py", "render/system.py"},  # system.py: whether its libraries load (doctor)
    "babel": {"report/content.py", "survey/cells.py", "survey/mapper.py"},  # numbers, dates; month and language names
    "pypdf": {"delivery/owner.py", "output/printout.py"},  # the leader id in each PDF; print.pdf of all reports
    "filelock": {"output/lock.py"},  # one build or send at a time per output folder
    "email_validator": {"delivery/addresses.py"},  # leaders' addresses, IDNA domains, SMTPUTF8
    "smtplib": {"delivery/mailer.py"},
    "ssl": {"delivery/mailer.py", "delivery/graph.py"},  # SMTP's TLS; Graph's HTTPS
    "http": {"delivery/graph.py"},  # Microsoft Graph over HTTPS
    # The sign-in for sending without a password, and where its refresh token is kept.
    "msal": {"delivery/oauth.py"},  # Microsoft 365's device-code sign-in
    "google_auth_oauthlib": {"delivery/oauth.py"},  # Google's installed-app sign-in
    "google": {"delivery/oauth.py"},  # google-auth: refreshing Google's access token
    "keyring": {"delivery/tokens.py"},
    "platformdirs": {"delivery/tokens.py"},
    "email": {"delivery/mailer.py"},
}
BASE = {"reportgen", "reportgen.models", "reportgen.export_rules", "reportgen.errors", "reportgen.config"}
STAGES = ("survey", "scoring", "report", "render", "output", "delivery", "questionnaire", "workshop")
# The reportgen modules each stage may import besides its own folder and BASE.
STAGE_USES = {
    "survey": {"reportgen.scoring"},
    "scoring": set(),
    "report": {"reportgen.scoring", "reportgen.output.writer"},
    # How a view becomes files: the views, the folder's records, the brand's folders.
    "render": {"reportgen.report", "reportgen.output", "reportgen.brand", "reportgen.scoring"},
    "output": {"reportgen.scoring"},
    "delivery": {"reportgen.output"},
    # The survey to set up, from the instrument: it writes files and renders its PDF like a report.
    "questionnaire": {"reportgen.report", "reportgen.render", "reportgen.brand", "reportgen.output.writer"},
    # The workshop folder: its invited list (read as exports are), the manifest and the delivery log.
    "workshop": {"reportgen.survey", "reportgen.output", "reportgen.delivery.log"},
    # The commands: every stage, never the command line or the terminal's words.
    "pipeline": {f"reportgen.{stage}" for stage in STAGES} | {"reportgen.brand"},
    # Click: a command's options, its one pipeline call, the console's words.
    "cli": {"reportgen.pipeline", "reportgen.console", "reportgen.output.writer", "reportgen.output.records"},
    # Every line the terminal shows: it reads the results it is given and names two of the stages' words.
    "console": {"reportgen.delivery.log", "reportgen.survey.cells"},
    "brand.py": set(),
}


def runtime_imports(module: str) -> set[str]:
    """Absolute names the module imports when it runs (imports for type checking only left out)."""
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    package = ["reportgen", *module.split("/")[:-1]]
    type_only = {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
        for inner in branch.body
        for node in ast.walk(inner)
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            if node.module is None or node.level:
                names.update(f"{target}.{alias.name}" for alias in node.names)
            names.add(target)
    return names


def test_each_library_is_imported_only_by_its_owner() -> None:
    for module in MODULES:
        for name in runtime_imports(module):
            top = name.split(".")[0]
            if top in OWNERS:
                assert module in OWNERS[top], f"{module} imports {name}"


def test_stages_import_only_what_is_below_them() -> None:
    for module in MODULES:
        stage = module.split("/")[0]
        if stage not in STAGE_USES or stage == "__init__.py":
            continue
        allowed = BASE | {f"reportgen.{stage}"} | STAGE_USES[stage]
        for name in runtime_imports(module):
            if name.startswith("reportgen"):
                known = any(name == a or name.startswith(f"{a}.") for a in allowed)
                # `from ..models import Outcome` names reportgen.models.Outcome: the module is what counts.
                assert known or name.rsplit(".", 1)[0] in BASE, f"{module} imports {name}"


def module_graph() -> dict[str, set[str]]:
    """Each module's reportgen modules imported at run time, as module paths ("report/view.py")."""
    known = {m.removesuffix(".py").removesuffix("/__init__").replace("/", "."): m for m in MODULES}
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        targets = set()
        for name in runtime_imports(module):
            dotted = name.removeprefix("reportgen.")
            # `from .x import y` names x.y: the module is x, unless y is a module of its own.
            for candidate in (dotted, dotted.rsplit(".", 1)[0]):
                if candidate in known and known[candidate] != module:
                    targets.add(known[candidate])
                    break
        graph[module] = targets
    return graph


def test_no_import_cycle() -> None:
    graph = module_graph()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, "import cycle: " + " → ".join((*path[path.index(module) :], module))
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, (*path, module))
        done.add(module)

    for module in MODULES:
        visit(module, ())


def test_nothing_imports_the_cli_or_the_console() -> None:
    for module in MODULES:
        if module.startswith(("cli/", "console/")) or module == "__main__.py":
            continue
        for name in runtime_imports(module):
            assert not name.startswith(("reportgen.cli", "reportgen.console")), module


def test_the_contributing_tree_names_every_module() -> None:
    contributing = (PACKAGE.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    block = contributing.split("<!-- tree -->")[1]
    named = set()
    folder = ""
    for line in block.splitlines():
        words = line.strip().split()
        if not words or words[0].startswith(("```", "reportgen/")):
            continue
        if words[0].endswith("/"):
            folder = words[0]
        elif words[0].endswith(".py"):
            named.add(f"{folder if line.startswith('    ') else ''}{words[0]}")
    real = {m for m in MODULES if not m.endswith(("__init__.py", "__main__.py"))}
    assert named == real, f"missing from CONTRIBUTING.md: {real - named}; not in the package: {named - real}"


PROBE = (
    "import sys\n"
    "from reportgen.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit:\n"
    "    pass\n"
    "loaded = sorted(m for m in sys.modules if m.split('.')[0] in {libraries!r})\n"
    "print('LOADED', *loaded, file=sys.stderr)\n"
)


def loaded_by(*args: str, libraries: set[str]) -> set[str]:
    """The libraries a real `reportgen ARGS` process has imported when it ends."""
    probe = PROBE.format(libraries=libraries)
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stderr.splitlines() if line.startswith("LOADED"))
    return {name.split(".")[0] for name in line.split()[1:]}


def test_help_loads_no_stage_library() -> None:
    heavy = {"openpyxl", "jinja2", "weasyprint", "pypdf", "smtplib", "babel", "msal", "google", "keyring", "http"}
    assert loaded_by("--help", libraries=heavy) == set()


def test_check_and_score_load_neither_weasyprint_nor_pypdf_nor_mail(tmp_path: Path) -> None:
    from .conftest import IDENTITY, SHARED_ROWS, item_headers, write_xlsx

    survey = write_xlsx(tmp_path / "s.xlsx", [IDENTITY + item_headers(), *SHARED_ROWS])
    heavy = {"weasyprint", "pypdf", "smtplib", "jinja2"}
    for args in (["score", str(survey)], ["check", str(survey)]):
        assert loaded_by(*args, libraries=heavy | {"openpyxl"}) == {"openpyxl"}, args


def test_the_test_folders_mirror_the_stage_folders() -> None:
    tests = Path(__file__).parent
    folders = {path.name for path in tests.iterdir() if path.is_dir() and (path / "__init__.py").is_file()}
    stages = {path.name for path in PACKAGE.iterdir() if path.is_dir() and (path / "__init__.py").is_file()}
    assert folders and folders <= stages, f"test folders that name no stage: {folders - stages}"
