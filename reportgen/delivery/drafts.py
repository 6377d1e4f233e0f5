"""--eml: each message as a .eml draft in a folder, for the facilitator's own mail program to send."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SendError
from ..output.writer import write_atomic
from .letters import Letter
from .mailer import as_bytes

if TYPE_CHECKING:
    from email.message import EmailMessage


class EmlFolder:
    """Drafts as .eml files in a folder, marked unsent, for the facilitator's own mail program (--eml)."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def refuse_replacing(self, letters: list[Letter], force: bool) -> None:
        """SendError when drafts of these names are already there (perhaps edited), unless force."""
        there = [
            name for name in (_draft_name(a) for a in letters if a.action == "send") if (self.target / name).exists()
        ]
        if there and not force:
            raise SendError(
                f"{self.target} already holds drafts of the same names: {', '.join(there)}; reportgen does not "
                "replace them, as you may have edited them.",
                fix="Give another folder to --eml, or add --force to replace them.",
                file=self.target,
            )

    def file(self, letter: Letter, message: EmailMessage) -> None:
        """Write the message as PDF-name.eml."""
        message["X-Unsent"] = "1"  # Outlook and Thunderbird open it as a draft to send
        write_atomic(self.target / _draft_name(letter), as_bytes(message))


def _draft_name(letter: Letter) -> str:
    """The draft's file name: the report's, ending in .eml."""
    return f"{Path(letter.pdf).stem}.eml"
