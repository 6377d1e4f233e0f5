"""Small frozen dataclasses passed between the pipeline's stages."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import idna

if TYPE_CHECKING:
    from .export_rules import ExportRules, IdentityField, Marker

Language = str  # "da" or "en": whatever languages the instrument carries
Day = date  # for fields declared after one named `date`
Localized = Mapping[Language, str]


# --- the instrument ---------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """An answer scale such as 1–5 agreement, with its labels per language."""

    id: str
    min: int
    max: int
    labels: Mapping[Language, tuple[str, ...]]


@dataclass(frozen=True)
class Item:
    """One question: a column of the export."""

    code: str
    step_id: str
    scale_id: str
    reverse: bool
    text: Localized
    kind: Literal["step", "importance", "free_text"]
    turned: Localized | None = None  # a reverse-keyed statement reworded so that agreeing is favourable


@dataclass(frozen=True)
class Step:
    """One step of the GPS and the e-book chapter that belongs to it."""

    id: str
    chapter: int
    title: Localized
    items: tuple[Item, ...]
    importance: Item | None


@dataclass(frozen=True)
class Band:
    """A score range with a name, e.g. 40–69 "På vej"."""

    id: str
    min: int
    max: int
    label: Localized


@dataclass(frozen=True)
class Instrument:
    """The whole questionnaire and its scoring rules, loaded from a data file."""

    id: str
    version: int
    source: Path
    title: Localized
    languages: tuple[Language, ...]
    min_answered_share: float
    default_importance: int
    score_split: int
    importance_split: float
    scales: Mapping[str, Scale]
    bands: tuple[Band, ...]
    identity: Mapping[str, IdentityField]
    steps: tuple[Step, ...]
    free_text: tuple[Item, ...]
    exports: ExportRules
    absent: tuple[Item, ...] = ()  # items left out of the steps because the survey did not ask them

    @cached_property  # read for every cell of every row
    def items(self) -> tuple[Item, ...]:
        """Every scored and importance item, in questionnaire order."""
        scored = tuple(item for step in self.steps for item in step.items)
        importance = tuple(step.importance for step in self.steps if step.importance)
        return scored + importance

    def step(self, step_id: str) -> Step:
        """The step with this id."""
        return next(step for step in self.steps if step.id == step_id)


# --- the brand --------------------------------------------------------------------------


@dataclass(frozen=True)
class Brand:
    """How reports look and who they come from, from a brand folder's brand.toml."""

    root: Path
    organisation: str
    default_language: str | None
    logo: Path | None
    contact: str
    footer: str
    workshop: str
    date: date | None
    paper: str
    title: Mapping[Language, str]
    colours: Mapping[str, str]
    fonts: Mapping[str, Path]
    mail: Mapping[str, object] = field(default_factory=dict)  # `send`'s sender and SMTP settings
    workshop_date: Day | None = None  # on the action plan page
    facilitator: str = ""  # the facilitator's name and how to reach them, on the action plan page
    ebook: Mapping[str, object] = field(default_factory=dict)  # link (with {chapter}) and pages per chapter
    audience: str = ""  # step 4's audience for leaders without their own Målgruppe column: "" (kunder) or "borgere"

    @property
    def template_dir(self) -> Path:
        """The brand's own templates, which override bundled ones of the same name."""
        return self.root / "templates"


# --- read and mapped rows -------------------------------------------------------------

CellValue = str | int | float | bool | datetime | date | None


@dataclass(frozen=True)
class Problem:
    """Something wrong with one cell or row; not fatal to the batch."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        place = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{place}: {self.message}"


@dataclass(frozen=True)
class ColumnMap:
    """Which column holds which identity field, item and free text."""

    sheet: str
    header_rows: tuple[int, ...]  # consecutive; the data starts below the last
    headers: tuple[str, ...]  # each column's header as shown to the facilitator
    identity: Mapping[str, int]
    items: Mapping[str, int]
    free_text: Mapping[str, int]
    value_labels: Mapping[int, Mapping[str, str]] = field(default_factory=dict)  # column → code → label
    group: int | None = None  # the --group-by column
    conflicts: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # item → columns that all claim it
    absent: tuple[str, ...] = ()  # items the mapping file says the survey did not ask
    notes: tuple[str, ...] = ()  # what was decided about the columns and the file, for `check`
    markers: tuple[Marker, ...] = ()  # the survey tool's unfinished and order columns found in the header
    account: int | None = None  # the tool's signed-in account address (Forms' Mail), beside a typed e-mail column
    code_shift: int = 0  # added to a numeric answer: 1 where the tool numbered the choices from 0 (survey/coding.py)

    @property
    def header_row(self) -> int:
        """The last header row: the data starts below it."""
        return self.header_rows[-1]

    @property
    def matched(self) -> int:
        """How many columns mean something."""
        return len(self.identity) + len(self.items) + len(self.free_text)

    @property
    def ignored(self) -> tuple[int, ...]:
        """Columns that hold a header but matched nothing."""
        used = {*self.identity.values(), *self.items.values(), *self.free_text.values()}
        used |= {self.account} if self.account is not None else set()
        return tuple(i for i, header in enumerate(self.headers) if header and i not in used)


@dataclass(frozen=True)
class Response:
    """One data row of the export, mapped to identity fields and numeric answers."""

    source_row: int
    name: str
    email: str
    organisation: str
    role: str
    submitted: datetime | None
    language: Language | None
    answers: Mapping[str, int | None]
    free_text: Mapping[str, str]
    problems: tuple[Problem, ...] = ()
    invalid_reason: str | None = None
    unfinished: bool = False  # the survey tool's own columns say the leader did not finish (invalid_reason says how)
    group: str = ""  # the value of the --group-by column
    audience: str = ""  # step 4's audience as the leader's own column writes it ("borgere"), or ""
    order_key: int | None = None  # a response id that grows with time (SurveyMonkey's Respondent ID)
    submitted_text: str = ""  # the submission time as written, when it is text (its date order is the file's)
    # The typed e-mail address, when the tool's signed-in account address (used as `email`) differs from it.
    typed_email: str = ""
    # A random id written into the leader's PDF, which `send` checks against the manifest before
    # attaching it. Random, not derived from the e-mail: a PDF must not let anyone confirm an address.
    leader_id: str = ""

    @property
    def email_key(self) -> str:
        """The e-mail as mail systems compare it (see email_key)."""
        return email_key(self.email)


def email_key(email: str) -> str:
    """An e-mail address as mail systems compare it: the domain in IDNA and lower case, the local part ASCII-lowered.

    Spaces are ignored, letters beyond ASCII before the @ kept as they are. Never casefold(): it
    makes ß and ss, σ and ς one mailbox, and straße.de (xn--strae-oqa.de) the domain strasse.de,
    which mail systems keep apart.
    """
    text = unicodedata.normalize("NFC", "".join(email.split()))
    local, at, domain = text.rpartition("@")
    if not at:
        return ascii_lower(text)
    try:
        domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        domain = ascii_lower(domain)
    return f"{ascii_lower(local)}@{domain}"


def ascii_lower(text: str) -> str:
    """A-Z lowered, every other letter as it is."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Letters that no accent-stripping reaches, written as a Dane or a German would in ASCII: names and file names.
TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "ß": "ss", "ð": "d", "þ": "th", "ł": "l", "œ": "oe"})


PDF_LEADER_KEY = "ReportgenLeader"  # the PDF's document information entry that holds its leader's id


# --- scores ----------------------------------------------------------------------------


def round_half_up(value: Fraction, digits: int = 0) -> Decimal:
    """Round as people do (68.75 → 68.8, 37.5 → 38), not to even."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class StepScore:
    """A leader's result on one step; score is None when too few items were answered."""

    step_id: str
    score: Fraction | None
    band_id: str | None
    answered: int
    total: int
    importance: int | None
    priority: Fraction | None

    @property
    def rounded(self) -> float | None:
        """The score to one decimal, as published by `reportgen score`."""
        return None if self.score is None else float(round_half_up(self.score, 1))

    @property
    def whole(self) -> int | None:
        """The score as a whole number, as shown in the report and used for the band."""
        return None if self.score is None else int(round_half_up(self.score))


@dataclass(frozen=True)
class Assessment:
    """A leader's scores on every step, and the chapters' reading order."""

    steps: tuple[StepScore, ...]
    reading_order: tuple[str, ...]

    def step(self, step_id: str) -> StepScore:
        """The score of one step."""
        return next(s for s in self.steps if s.step_id == step_id)


Status = Literal["ok", "rendered", "duplicate", "invalid", "failed", "skipped"]


@dataclass(frozen=True)
class Outcome:
    """What became of one data row: its status, reason, scores and report file."""

    source_row: int
    status: Status
    response: Response
    reason: str | None = None
    assessment: Assessment | None = None
    pdf: str | None = None
    superseded_by: int | None = None
    warnings: tuple[Problem, ...] = field(default=())
    fingerprint: str | None = None  # of the report's inputs; a re-run skips it while unchanged
    reused: bool = False  # rendered in an earlier run and unchanged since
    language: str | None = None  # of the report, and of the mail that `send` writes with it
    previous: Assessment | None = None  # the same leader's scores in the --previous export


# --- a run's results -------------------------------------------------------------------


@dataclass(frozen=True)
class Survey:
    """A read, mapped and scored export."""

    path: Path
    instrument: Instrument
    columns: ColumnMap
    outcomes: tuple[Outcome, ...]
    reading: str = ""  # how a text export was read: "UTF-8, comma-separated"
    gaps: str = ""  # the paragraph on questions without a column (check lists it; score and build stop)
    earlier: tuple[Outcome, ...] = ()  # the --previous export's outcomes: who was in the group then


@dataclass(frozen=True)
class BuildResult:
    """What `build` did: one outcome per data row, and where the manifest is."""

    survey: Survey
    outcomes: tuple[Outcome, ...]
    manifest: Path
    counts: Counter[str] = field(default_factory=Counter)
    scores: Path | None = None
    orphans: tuple[str, ...] = ()  # reports in DIR whose leader is no longer in the input: kept, listed
    interrupted: bool = False
    reused: int = 0  # reports unchanged since an earlier run, not rendered again
    cohort: Path | None = None  # the facilitator's report on the group
    cohort_note: str = ""  # why there is none
    unrendered: int = 0  # reports not rendered because the build was interrupted
    report_date: date | None = None  # on the covers: --date, the workshop's, the brand's, the folder's kept date, today
    date_source: str = ""  # where report_date came from: option, workshop, brand, kept, today
    notes: tuple[str, ...] = ()  # about the run itself: fewer workers than asked, and why
