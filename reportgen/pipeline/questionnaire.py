"""questionnaire: the survey to set up in the facilitator's tool, written from the instrument file."""

from __future__ import annotations

from pathlib import Path

from ..questionnaire import default_name
from ..questionnaire import write_questionnaire as write
from ..survey.instrument import load_instrument


def questionnaire(instrument: Path | None, lang: str, fmt: str, target: Path | None, brand_dir: Path | None) -> Path:
    """Write the questionnaire in `fmt` and `lang` to `target` (default: questionnaire-LANG.EXT here)."""
    return write(load_instrument(instrument), lang, fmt, target or Path(default_name(lang, fmt)), brand_dir)
