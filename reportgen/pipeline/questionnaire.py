"""questionnaire: the survey to set up in the facilitator's tool, written from the instrument file."""

from __future__ import annotations

from pathlib import Path

from ..questionnaire import default_name
from ..questionnaire import write_questionnaire as write
from ..survey.instrument import load_instrument


def questionnaire(
    instrument: Path | None, lang: str, fmt: str, target: Path | None, brand_dir: Path | None, force: bool = False
) -> Path:
    """Write the questionnaire in `fmt` and `lang` to `target` (default: questionnaire-LANG.EXT here).

    A file already there (an answer sheet with typed answers) is replaced only with force.
    """
    target = target or Path(default_name(lang, fmt))
    return write(load_instrument(instrument), lang, fmt, target, brand_dir, force=force)
