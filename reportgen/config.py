"""A run's settings: build's and send's, from the command line, reportgen.toml and the brand; the TOML loader."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from .errors import ReportgenError, SendError

PACKAGE_DIR = Path(__file__).parent
DEFAULT_INSTRUMENT = PACKAGE_DIR / "data" / "instrument.toml"  # the questionnaire of the e-book


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

_T = TypeVar("_T")
PASSWORD_VARIABLE = "REPORTGEN_SMTP_PASSWORD"  # noqa: S105 (the name of a variable, not a password)
SECURITY_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
RETRY_DELAYS = (5.0, 30.0, 120.0)  # seconds to wait before each retry of a temporary failure
GRAPH_URL = "https://graph.microsoft.com/v1.0"


@dataclass(frozen=True)
class Option:
    """One mail setting: its kind, default and bounds, the one place the CLI, reportgen.toml and the brand read."""

    kind: type
    default: object = None
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    def problem(self, key: str, value: object) -> str | None:
        """What is wrong with `value` for this setting, in words; None when it is good."""
        accepted = (int, float) if self.kind is float else self.kind
        if not isinstance(value, accepted) or isinstance(value, bool):
            return f"'{key}' must be {_KIND_WORDS[self.kind]}"
        if self.choices and value not in self.choices:
            return f"'{key}' must be one of {', '.join(self.choices)}"
        number = value if isinstance(value, int | float) else None
        if number is not None and self.low is not None and number < self.low:
            return f"'{key}' must be at least {self.low:g}"
        if number is not None and self.high is not None and number > self.high:
            return f"'{key}' must be at most {self.high:g}"
        return None


SEND_OPTIONS: dict[str, Option] = {
    "from": Option(str, ""),
    "smtp_host": Option(str),
    "smtp_port": Option(int, None, 1, 65535),
    "smtp_user": Option(str),
    "smtp_security": Option(str, "starttls", choices=("starttls", "ssl", "none")),
    "smtp_cafile": Option(str),
    "rate": Option(int, 20, 1, 600),  # messages per minute
    "daily_cap": Option(int, 300, 1),  # messages per 24 hours, counted in delivery.csv
    "smtp_timeout": Option(float, 60.0, 0.1),  # seconds to wait for the server's answer
    # Sending without a password (docs/mail.md): XOAUTH2 or Microsoft Graph, the token's source, the app registration.
    "smtp_auth": Option(str, "password", choices=("password", "oauth2")),
    "via": Option(str, "smtp", choices=("smtp", "graph")),
    "oauth_token_command": Option(str),  # prints an access token (IT's own tooling); else the stored sign-in
    "graph_url": Option(str, GRAPH_URL),
    "microsoft_client_id": Option(str),
    "microsoft_tenant": Option(str, "organizations"),
    "google_client_id": Option(str),
    "google_client_secret": Option(str),
}


@dataclass(frozen=True)
class SendOptions:
    """How to deliver: from options, reportgen.toml and the brand, in that order; defaults from SEND_OPTIONS."""

    sender: str  # "Name <address>"
    smtp_host: str | None
    smtp_port: int | None
    smtp_user: str | None
    smtp_security: str
    smtp_cafile: Path | None  # a certificate authority to trust besides the system's
    rate: int
    daily_cap: int
    smtp_timeout: float  # a message whose answer is later than this is "unknown"
    # Read when the options are made, so that a test can shorten the module's delays.
    retry_delays: tuple[float, ...] = field(default_factory=lambda: RETRY_DELAYS)
    smtp_auth: str = "password"  # or "oauth2": XOAUTH2 with a token from the sign-in or the token command
    via: str = "smtp"  # or "graph": Microsoft Graph's /me/sendMail
    oauth_token_command: str | None = None
    graph_url: str = GRAPH_URL


def send_options(given: Mapping[str, object], config: Path | None, brand: Mapping[str, object]) -> SendOptions:
    """Options given on the command line win over reportgen.toml (or --config), which wins over the brand."""
    settings = load_config(config or Path("reportgen.toml"), required=config is not None)
    given = {("from" if key == "sender" else key): value for key, value in given.items()}
    return merge_options(given, settings, brand)


def merge_options(
    given: Mapping[str, object], config: Mapping[str, object], brand: Mapping[str, object]
) -> SendOptions:
    """The three sources merged, the first given value of each key winning; each source checked before."""
    defaults = {key: option.default for key, option in SEND_OPTIONS.items()}
    merged = {
        **defaults,
        **brand,
        **config,
        **{k: str(v) if isinstance(v, Path) else v for k, v in given.items() if v is not None},
    }
    cafile = _text(merged, "smtp_cafile")
    return SendOptions(
        sender=_text(merged, "from") or "",
        smtp_host=_text(merged, "smtp_host"),
        smtp_port=_whole(merged, "smtp_port"),
        smtp_user=_text(merged, "smtp_user"),
        smtp_security=_given(_text(merged, "smtp_security")),
        smtp_cafile=Path(cafile) if cafile else None,
        rate=_given(_whole(merged, "rate")),
        daily_cap=_given(_whole(merged, "daily_cap")),
        smtp_timeout=_given(_real(merged, "smtp_timeout")),
        smtp_auth=_text(merged, "smtp_auth") or "password",
        via=_text(merged, "via") or "smtp",
        oauth_token_command=_text(merged, "oauth_token_command"),
        graph_url=(_text(merged, "graph_url") or GRAPH_URL).rstrip("/"),
    )


def _given(value: _T | None) -> _T:
    """A setting that has a default in SEND_OPTIONS, so always a value once merged (its kind checked before)."""
    assert value is not None, "a setting with a default has a value"
    return value


def _text(merged: Mapping[str, object], key: str) -> str | None:
    value = merged.get(key)
    return str(value) if value else None


def _whole(merged: Mapping[str, object], key: str) -> int | None:
    value = merged.get(key)
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _real(merged: Mapping[str, object], key: str) -> float | None:
    value = merged.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def load_config(path: Path, required: bool) -> dict[str, object]:
    """The [send] table of a reportgen.toml, checked; {} when an optional file is absent."""
    if not path.is_file() and not required:
        return {}
    data = load_toml(path, SendError, "config file", fix="Correct it.", missing_fix="Check the path given to --config.")
    table = data.get("send", {})
    # A misspelt [sned] would leave every mail setting out without a word.
    tables = [f"unknown table [{key}] (the file holds [send] and [workshop])" for key in data if key not in FILE_TABLES]
    check_options(table, path, "[send]", tables)
    return dict(table)


FILE_TABLES = ("send", "workshop")  # what a reportgen.toml holds


def check_options(table: Mapping[str, object], path: Path, where: str, before: Sequence[str] = ()) -> None:
    """Every key known, of its kind and in its range; every problem (and those found `before`) listed at once."""
    problems = [*before, *(f"unknown key '{key}'" for key in table if key not in SEND_OPTIONS)]
    problems += [
        found
        for key, option in SEND_OPTIONS.items()
        if key in table and (found := option.problem(key, table[key])) is not None
    ]
    if problems:
        raise SendError(
            f"The {where} settings have problems: " + "; ".join(problems) + ".",
            fix=f"Correct them; the known keys are {', '.join(SEND_OPTIONS)}.",
            file=path,
        )


_KIND_WORDS = {int: "a whole number", float: "a number", str: "text in quotes"}

# The [workshop] table of a workshop folder's reportgen.toml (reportgen new writes it): texts and dates,
# none required, no defaults; read by workshop/settings.py.
WORKSHOP_TEXT_KEYS = ("name", "place", "facilitator", "contact", "sender", "survey_link")
WORKSHOP_DATE_KEYS = ("date", "deadline")
