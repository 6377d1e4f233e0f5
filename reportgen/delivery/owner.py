"""The owner check: a PDF goes only to the leader whose id build wrote into it; the only pypdf importer."""

from __future__ import annotations

import io
from collections.abc import Mapping

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ..models import PDF_LEADER_KEY


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
