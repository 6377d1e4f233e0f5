"""The commands as short orchestrations of the stages: survey → scoring → report → output, and delivery.

The one entry point of the CLI and the tests. Each command imports the stages it uses when
it runs, so that `reportgen --help`, check and score never load WeasyPrint, pypdf or the mail stack.
"""

from ..config import Settings
from ..models import BuildResult, Survey
from .build import INTERRUPTED, ProgressCallback, StageCallback, build, check_brand, load_brand, make_brand
from .remind import RemindAsk, RemindRun, prepare_remind, remind_drafts, remind_dry_run, remind_send
from .send import (
    PLACEHOLDER_SENDER,
    Preview,
    SendRun,
    changed_parts,
    dry_run,
    folder_lock,
    log_state,
    mark_sent,
    prepare_send,
    preview,
    sample_mail,
    send,
    write_drafts,
)
from .survey import check_language, read_survey, score_records, write_mapping, write_questionnaire
from .workshop import invited_list, invited_roster, new_workshop, print_reports, read_workshop, status, without_report

__all__ = [
    "INTERRUPTED",
    "PLACEHOLDER_SENDER",
    "BuildResult",
    "Preview",
    "ProgressCallback",
    "RemindAsk",
    "RemindRun",
    "SendRun",
    "Settings",
    "StageCallback",
    "Survey",
    "build",
    "changed_parts",
    "check_brand",
    "check_language",
    "dry_run",
    "folder_lock",
    "invited_list",
    "invited_roster",
    "load_brand",
    "log_state",
    "make_brand",
    "mark_sent",
    "new_workshop",
    "prepare_remind",
    "prepare_send",
    "preview",
    "print_reports",
    "read_survey",
    "read_workshop",
    "remind_drafts",
    "remind_dry_run",
    "remind_send",
    "sample_mail",
    "score_records",
    "send",
    "status",
    "without_report",
    "write_drafts",
    "write_mapping",
    "write_questionnaire",
]  # fmt: skip
