"""The commands as short orchestrations of the stages: survey → scoring → report → output, and delivery.

The one entry point of the CLI and the tests. Each command imports the stages it uses when
it runs, so that `reportgen --help`, check and score never load WeasyPrint, pypdf or the mail stack.
"""

from ..config import Settings
from ..models import BuildResult, Survey
from .build import INTERRUPTED, ProgressCallback, StageCallback, build, check_brand, load_brand, make_brand
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
    test_address,
    write_drafts,
    write_mailbox_drafts,
)
from .survey import check_language, read_survey, score_records, write_mapping, write_questionnaire

__all__ = [
    "INTERRUPTED", "PLACEHOLDER_SENDER", "BuildResult", "Preview", "ProgressCallback", "SendRun", "Settings",
    "StageCallback", "Survey", "build", "changed_parts", "check_brand", "check_language", "dry_run", "folder_lock",
    "load_brand", "log_state", "make_brand", "mark_sent", "prepare_send", "preview", "read_survey", "sample_mail",
    "score_records", "send", "test_address", "write_drafts", "write_mailbox_drafts", "write_mapping",
    "write_questionnaire",
]  # fmt: skip
