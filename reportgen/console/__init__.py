"""Every line the terminal shows, one module per kind of command; nothing else in reportgen prints.

core: how much to show, colour, errors; check: check's listing; build: progress and summaries;
send: send's lines, sign-in and doctor; workshop: new, status, remind, print and the invited list.
"""

from .build import Progress, brand_lines, build_summary, demo_lines
from .check import check_lines
from .core import NORMAL, QUIET, VERBOSE, colour, error, internal_error, level, set_level, visible
from .send import change_reason, doctor_lines, send_lines, sent_line, signed_in, test_line

__all__ = [
    "NORMAL",
    "QUIET",
    "VERBOSE",
    "Progress",
    "brand_lines",
    "build_summary",
    "change_reason",
    "check_lines",
    "colour",
    "demo_lines",
    "doctor_lines",
    "error",
    "internal_error",
    "level",
    "send_lines",
    "sent_line",
    "set_level",
    "signed_in",
    "test_line",
    "visible",
]
