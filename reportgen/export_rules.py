"""What the instrument knows of the survey tools' exports: identity columns, each tool's markers, codebooks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class IdentityField:
    """A non-item column such as name or e-mail, with the headers it goes by."""

    id: str
    required: bool
    headers: tuple[str, ...]
    # Fields whose values, joined by a space, stand in for this one when its column is
    # missing: a name from first and last name columns.
    parts: tuple[str, ...] = ()
    mention_if_missing: bool = True  # `check` lists it among the optional columns not found


@dataclass(frozen=True)
class ExportRules:
    """How survey tools lay out exports beyond the instrument's own headers (data/exports.toml)."""

    header_markers: tuple[str, ...]  # a cell starting with one of these makes its row a header row
    subheaders: tuple[str, ...]  # second-row headers that say nothing ("Response"): the question above counts
    structure_sheets: tuple[str, ...]
    label_sheets: tuple[str, ...]
    variable_headers: tuple[str, ...]
    text_headers: tuple[str, ...]
    value_headers: tuple[str, ...]
    label_headers: tuple[str, ...]
    tools: tuple[ToolRule, ...] = ()  # each tool's unfinished and order columns
    submitted: tuple[str, ...] = ()  # the tools' submission-time columns, best first
    placeholders: tuple[str, ...] = ()  # a tool's own name or e-mail when the respondent is not known
    own_output: tuple[str, ...] = ()  # the first columns of reportgen's own manifest, to name it if given
    accounts: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()  # (detect, headers) of signed-in addresses
    not_answers: tuple[str, ...] = ()  # header prefixes of a tool's columns that are never answers ("Points - ")
    missing_codes: tuple[str, ...] = ()  # cell values that mean "not answered" (-9, "Ved ikke")
    coded: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (tool, its own columns) of tools whose cells are codes


@dataclass(frozen=True)
class ToolRule:
    """A column a survey tool writes that says a response is unfinished, or that orders the responses."""

    tool: str  # as the facilitator knows it: "Qualtrics"
    kind: Literal["unfinished", "order", "test"]  # test: a preview or test response, never a leader's
    headers: tuple[str, ...]  # any of these names the column
    values: tuple[str, ...] = ()  # unfinished when the cell is one of these (letters and digits compared)
    empty: bool = False  # unfinished when the cell is empty
    below: float | None = None  # unfinished when the cell's number is below this
    finished: tuple[
        str, ...
    ] = ()  # unfinished when the cell holds anything but one of these (an empty cell: no evidence)
    detect: tuple[str, ...] = ()  # the rule counts only in an export with one of these columns (none: always)


@dataclass(frozen=True)
class Marker:
    """A tool rule found in an export: the rule and its column."""

    rule: ToolRule
    column: int


@dataclass(frozen=True)
class Codebook:
    """A workbook's own description of its variables (SurveyXact's Structure and Labels sheets)."""

    texts: Mapping[str, str]  # normalised variable name → question text
    labels: Mapping[str, Mapping[str, str]]  # normalised variable name → value code → label
    source: tuple[str, ...] = ()  # the files beside a text export it was read from (SurveyXact's labels.csv)

    def __bool__(self) -> bool:
        return bool(self.texts or self.labels)
