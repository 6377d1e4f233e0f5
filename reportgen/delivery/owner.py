"""The owner checks: a PDF goes only to the leader whose id build wrote into it, at the address build made it for.

The only pypdf importer.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Protocol

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ..models import PDF_LEADER_KEY, email_key


def owner_problem(data: bytes, pdf: str, email: str, leader_id: str) -> str | None:
    """Why this PDF must not go to this leader, or None: its metadata must name the manifest row's leader."""
    try:
        metadata: Mapping[str, object] = PdfReader(io.BytesIO(data)).metadata or {}
    except (PyPdfError, ValueError) as error:
        return f"{pdf} cannot be read as a PDF ({error})"
    found = metadata.get(f"/{PDF_LEADER_KEY}")
    if found is None:
        return f"{pdf} carries no leader id (built by an older reportgen?); run build --force"
    if str(found) != leader_id:
        return f"{pdf} belongs to another leader than {email}; not sent"
    return None


class Addressed(Protocol):
    """A letter: its report file, the address it is to go to, and the address build made the report for."""

    @property
    def pdf(self) -> str:
        """The report's file name."""

    @property
    def email(self) -> str:
        """The address it is to be mailed to (manifest.csv's)."""

    @property
    def built_for(self) -> str:
        """The address recorded with the leader id when the report was built (build.json's)."""


def address_problem(letter: Addressed) -> str | None:
    """Why this report must not be mailed to this address, or None: it goes only where build made it for.

    An address "fixed" by hand in manifest.csv would redirect a leader's report, names, answers
    and free text, to whoever that address is.
    """
    if not letter.built_for:
        return f"{letter.pdf} has no address recorded with it (built by an older reportgen?); run build again"
    if email_key(letter.built_for) != email_key(letter.email):
        return (
            f"{letter.pdf} was built for {letter.built_for}, but manifest.csv now says {letter.email}; not sent. "
            "To mail it elsewhere, correct the e-mail in the export and run build again"
        )
    return None
