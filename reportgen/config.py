"""A run's settings: build's and send's, from the command line, reportgen.toml and the brand; the TOML loader."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import ReportgenError, SendError

PACKAGE_DIR = Path(__file__).parent


def bundled_templates() -> Path:
    """The default templates: inside the installed package, or at the top of a source checkout."""
    installed = PACKAGE_DIR / "templates"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "templates"


def bundled_sample() -> Path:
    """The sample export that `reportgen demo` builds: inside the installed package, or in a source checkout."""
    installed = PACKAGE_DIR / "sample" / "survey.xlsx"
    return installed if installed.is_file() else PACKAGE_DIR.parent / "sample_data" / "survey.xlsx"


def load_toml(path: Path, error: type[ReportgenError], what: str, fix: str, missing_fix: str = "") -> dict[str, Any]:
    """A TOML file's tables, or `error` saying which file, what is wrong with it and what to do."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"The {what} does not exist.", fix=missing_fix or fix, file=path) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as problem:
        raise error(f"The {what} cannot be read as TOML ({problem}).", fix=fix, file=path) from None
    except RecursionError:  # tables or arrays nested thousands deep
        raise error(f"The {what} is nested too deeply to be read.", fix=fix, file=path) from None


@dataclass(frozen=True)
class Settings:
    """What a build (or check, score) needs to know; the CLI fills it from options."""

    survey: Path
    output_dir: Path = Path("reports")
    instrument: Path | None = None
    sheet: str | None = None
    encoding: str | None = None  # of a CSV export; None: detected
    delimiter: str | None = None  # of a CSV export; None: detected
    mapping: Path | None = None  # a mapping file that says which column holds what; None: detected
    date_order: str | None = None  # "dmy" or "mdy" for text timestamps such as 05/02/2026; None: from the file
    previous: Path | None = None  # an earlier export of the same survey, for progress over time
    group_by: str | None = None  # a column whose values split the cohort report into sections
    # None: from the brand, else the instrument's first language.
    language: str | None = None
    report_date: date | None = None
    workshop: str | None = None
    brand: Path | None = None
    paper: str | None = None
    cohort_min: int = 5  # fewest scored leaders for the group's average on the radar
    output_format: str = "pdf"  # or "html": each report as HTML with its assets, for designers
    jobs: int | None = None  # worker processes; None: one per usable core
    force: bool = False  # render even what is unchanged since the last run
    only: tuple[str, ...] = ()  # e-mails: render just these leaders
    csv_dialect: str | None = None  # "excel" or "excel-da" (UTF-8 with BOM, ";"); None: by the report language
    today: date | None = None  # the clock's date, for a folder's first build; None: the real clock's
    replace: bool = False  # build into a folder that holds another workshop's reports, removing them


# --- send ------------------------------------------------------------------------------

PASSWORD_VARIABLE = "REPORTGEN_SMTP_PASSWORD"  # noqa: S105 (the name of a variable, not a password)
SECURITY_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
RETRY_DELAYS = (5.0, 30.0, 120.0)  # seconds to wait before each retry of a temporary failure
DEFAULTS: dict[str, object] = {"smtp_security": "starttls", "rate": 20, "daily_cap": 300, "smtp_timeout": 60}
# The [workshop] table of a workshop folder's reportgen.toml (reportgen new writes it): texts and dates,
# none required, no defaults; read by workshop/settings.py.
WORKSHOP_TEXT_KEYS = ("name", "place", "facilitator", "contact", "sender", "survey_link")
WORKSHOP_DATE_KEYS = ("date", "deadline")
OPTION_TYPES: dict[str, type] = {
    "from": str, "smtp_host": str, "smtp_port": int, "smtp_user": str, "smtp_security": str, "rate": int,
    "daily_cap": int, "smtp_timeout": float,
}  # fmt: skip


@dataclass(frozen=True)
class SendOptions:
    """How to deliver: from options, reportgen.toml and the brand, in that order."""

    sender: str = ""  # "Name <address>"
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_user: str | None = None
    smtp_security: str = "starttls"
    smtp_cafile: Path | None = None  # a certificate authority to trust besides the system's
    rate: int = 20  # messages per minute
    daily_cap: int = 300  # messages per 24 hours, counted in delivery.csv
    smtp_timeout: float = 60.0  # seconds to wait for the server's answer; a message whose answer is late is "unknown"
    retry_delays: tuple[float, ...] = field(default_factory=lambda: RETRY_DELAYS)


def send_options(given: Mapping[str, object], config: Path | None, brand: Mapping[str, object]) -> SendOptions:
    """Options given on the command line win over reportgen.toml (or --config), which wins over the brand."""
    settings = load_config(config or Path("reportgen.toml"), required=config is not None)
    given = {("from" if key == "sender" else key): value for key, value in given.items()}
    return merge_options(given, settings, brand)


def merge_options(
    given: Mapping[str, object], config: Mapping[str, object], brand: Mapping[str, object]
) -> SendOptions:
    """The three sources merged, the first given value of each key winning."""
    merged = {**DEFAULTS, **brand, **config, **{k: v for k, v in given.items() if v is not None}}
    return SendOptions(
        sender=str(merged.get("from") or ""),
        smtp_host=_optional(merged.get("smtp_host")),
        smtp_port=int(merged["smtp_port"]) if merged.get("smtp_port") else None,  # type: ignore[call-overload]
        smtp_user=_optional(merged.get("smtp_user")),
        smtp_security=str(merged["smtp_security"]),
        smtp_cafile=Path(str(merged["smtp_cafile"])) if merged.get("smtp_cafile") else None,
        rate=int(merged["rate"]),  # type: ignore[call-overload]
        daily_cap=int(merged["daily_cap"]),  # type: ignore[call-overload]
        smtp_timeout=float(merged["smtp_timeout"]),  # type: ignore[arg-type]
    )


def load_config(path: Path, required: bool) -> dict[str, object]:
    """The [send] table of a reportgen.toml, checked; {} when an optional file is absent."""
    if not path.is_file() and not required:
        return {}
    data = load_toml(path, SendError, "config file", fix="Correct it.", missing_fix="Check the path given to --config.")
    table = data.get("send", {})
    check_options(table, path, "[send]")
    return dict(table)


def check_options(table: Mapping[str, object], path: Path, where: str) -> None:
    """Every key known and of its type; every problem listed at once."""
    problems = [f"unknown key '{key}'" for key in table if key not in OPTION_TYPES]
    problems += [
        f"'{key}' must be {_KIND_WORDS[kind]}"
        for key, kind in OPTION_TYPES.items()
        if key in table and (not isinstance(table[key], _ACCEPTED[kind]) or isinstance(table[key], bool))
    ]
    if problems:
        raise SendError(
            f"The {where} settings have problems: " + "; ".join(problems) + ".",
            fix=f"Correct them; the known keys are {', '.join(OPTION_TYPES)}.",
            file=path,
        )


_KIND_WORDS = {int: "a whole number", float: "a number", str: "text in quotes"}
_ACCEPTED: dict[type, type | tuple[type, ...]] = {int: int, float: (int, float), str: str}


def _optional(value: object) -> str | None:
    return str(value) if value else None
