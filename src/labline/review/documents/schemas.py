"""Output for proposal documents (uploads come as multipart forms); letters: letters/schemas.py."""

from __future__ import annotations

from datetime import datetime

from labline.review.documents.models import DocumentKind
from labline.schemas import Output


class DocumentRead(Output):
    id: int
    proposal_id: int
    kind: DocumentKind
    name: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    replaced_by_id: int | None
