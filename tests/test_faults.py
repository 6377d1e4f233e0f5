"""Trust under faults (issue 14): hostile brands and inputs, a full disk, a killed build."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.config import bundled_templates
from reportgen.models import BuildResult
from reportgen.report.templates import environment, fill

from .conftest import IDENTITY, item_headers, leader_row, pdf_text

# Each reaches for os.popen or the template's context by another path.
PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ t['__class__'] }}",
    "{{ t|attr('__class__') }}",
]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    return result.exit_code, output


def make_brand(folder: Path, files: dict[str, str]) -> Path:
    assert run("brand", "init", str(folder))[0] == 0
    for name, text in files.items():
        path = folder / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return folder


@pytest.fixture(scope="module")
def one_leader(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .conftest import write_xlsx

    folder = tmp_path_factory.mktemp("one")
    return write_xlsx(folder / "survey.xlsx", [IDENTITY + item_headers(), leader_row("Ida Holm", "ida@example.dk", 4)])


def assert_no_leak(text: str) -> None:
    assert "uid=" not in text and "root:x:" not in text and "<Context" not in text and "<class" not in text


# --- 1. a brand's templates run no code ----------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("name", ["report.html", "mail/subject-da.txt"])
def test_a_template_that_reaches_past_the_view_stops_build_before_rendering(
    tmp_path: Path, one_leader: Path, name: str, payload: str
) -> None:
    brand = make_brand(tmp_path / "brand", {name: f"<p>{payload}</p>\n"})
    code, output = run("build", str(one_leader), "--brand", str(brand), "-o", str(tmp_path / "out"), "-j", "1")
    assert code == 2
    assert f"The brand's template templates/{name}, line 1," in output
    assert "nothing has been rendered or sent" in output and output.count("\n") == 1
    assert_no_leak(output)
    assert not (tmp_path / "out").exists()


def test_a_send_dry_run_with_such_a_mail_template_stops_before_any_mail(
    tmp_path: Path, shared_build: BuildResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    brand = make_brand(tmp_path / "brand", {"mail/subject-da.txt": PAYLOADS[0]})
    code, output = run("send", str(shared_build.manifest.parent), "--brand", str(brand), "--from", "a <a@example.dk>")
    assert code == 2
    assert "templates/mail/subject-da.txt, line 1" in output and "would send" not in output
    assert_no_leak(output)


def test_what_the_static_check_cannot_see_the_sandbox_stops_at_render(tmp_path: Path, one_leader: Path) -> None:
    # A computed attribute name passes the check; the sandbox fails the report, and nothing leaks.
    brand = make_brand(tmp_path / "brand", {"report.html": "<p>{{ t|attr('_' ~ '_class__') }}</p>"})
    out = tmp_path / "out"
    code, output = run("build", str(one_leader), "--brand", str(brand), "-o", str(out), "-j", "1")
    assert code == 1 and "failed: row 2" in output
    assert_no_leak(output)
    assert not list(out.glob("*.pdf"))
    assert_no_leak((out / "manifest.csv").read_text("utf-8"))


def test_templates_get_no_globals_and_content_placeholders_no_attributes() -> None:
    env = environment([bundled_templates()])
    assert dict(env.globals) == {}
    assert fill("{count} ledere", count=3) == "3 ledere"
    for text in ("{count.__class__}", "{count[0]}", "{count!r}", "{0}"):
        with pytest.raises(ValueError, match="plain placeholder"):
            fill(text, count=3)


def test_a_pdf_built_with_a_legal_brand_template_holds_no_command_output(tmp_path: Path, one_leader: Path) -> None:
    brand = make_brand(
        tmp_path / "brand",
        {
            "report.html": '{% extends "!bundled/report.html" %}'
            "{% block cover %}X-{{ view.name }}{{ super() }}{% endblock %}"
        },
    )
    out = tmp_path / "out"
    assert run("build", str(one_leader), "--brand", str(brand), "-o", str(out), "-j", "1")[0] == 0
    [pdf] = out.glob("*.pdf")
    text = pdf_text(pdf)
    assert "X-Ida Holm" in text
    assert_no_leak(text)
