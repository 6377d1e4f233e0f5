"""Writes the questionnaire from the instrument: on paper, as an answer sheet, or for a survey tool to import.

Every format is made from one view of the instrument in one language (view.py), so a second
instrument works the same; the wording around the questions is in content/questionnaire-LANG.toml.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..brand import default_brand_dir, load_brand
from ..config import bundled_templates
from ..errors import OutputError
from ..models import Instrument, Language
from ..output.writer import write_atomic
from . import scripts, sheet, word
from .view import Questionnaire, build

# Format → file ending. Qualtrics and LimeSurvey both import .txt: the tool's name in the
# ending keeps the default names of the two apart.
FORMATS: dict[str, str] = {
    "pdf": ".pdf",
    "docx": ".docx",
    "xlsx": ".xlsx",
    "google": ".gs",
    "qualtrics": ".qualtrics.txt",
    "limesurvey": ".limesurvey.txt",
}


def default_name(lang: Language, fmt: str) -> str:
    """The output file's name when -o is not given, e.g. questionnaire-da.pdf or questionnaire-en.gs."""
    return f"questionnaire-{lang}{FORMATS[fmt]}"


def write_questionnaire(
    instrument: Instrument,
    lang: Language,
    fmt: str,
    target: Path,
    brand_dir: Path | None = None,
    templates: Path | None = None,
) -> Path:
    """Write the questionnaire in one language and format to target, atomically; returns target."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown questionnaire format {fmt!r}; one of {', '.join(FORMATS)}")
    templates = templates or bundled_templates()
    view = build(instrument, lang, templates)
    data = _render(view, fmt, target, brand_dir, templates)
    try:
        write_atomic(target, data)
    except OSError as error:
        raise OutputError(
            f"The questionnaire cannot be written ({error.strerror}).",
            fix="Choose another file or folder with -o, or check its permissions.",
            file=target,
        ) from None
    return target


def _render(view: Questionnaire, fmt: str, target: Path, brand_dir: Path | None, templates: Path) -> bytes:
    if fmt == "pdf":
        from .pdf import render_pdf  # WeasyPrint is slow to import: only for the PDF

        brand = load_brand(brand_dir or default_brand_dir(templates), templates)
        dirs = [brand.template_dir] if brand.template_dir.is_dir() else []
        return render_pdf(view, brand, [*dirs, templates])
    writers: dict[str, Callable[[], bytes]] = {
        "xlsx": lambda: sheet.answer_sheet(view, target.name),
        "docx": lambda: word.forms_document(view),
        "google": lambda: scripts.google_script(view).encode("utf-8"),
        "qualtrics": lambda: scripts.qualtrics_txt(view).encode("utf-8"),
        "limesurvey": lambda: scripts.limesurvey_tsv(view).encode("utf-8"),
    }
    return writers[fmt]()
