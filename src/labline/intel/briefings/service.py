"""Briefings: the chosen documents (or a search's top results) as one document to hand
on — title, source, date, the digest with its citations, and the cited paragraphs as an
appendix — in Markdown, DOCX (python-docx) or PDF (reportlab, a CJK font built in)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from labline.core.access import Actor
from labline.intel import access
from labline.intel.briefings import render
from labline.intel.briefings.contents import assemble
from labline.intel.briefings.schemas import BriefingCreate
from labline.intel.documents.service import records
from labline.intel.search import service as search

MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def make(
    session: Session, *, actor: Actor, data: BriefingCreate, holder: Any = None
) -> tuple[bytes, str, str]:
    """The briefing file: (content, media type, file name)."""
    access.require_ingest(actor)
    ids = list(dict.fromkeys(data.document_ids))
    if not ids:
        found = search.search(
            session,
            actor=actor,
            holder=holder if holder is not None else _Holder(),
            query=data.query,
            limit=data.limit,
        )
        ids = [f.document.id for f in found]
    docs = [records.get_document(session, actor=actor, document_id=i) for i in ids]
    title = data.title or (f"Briefing: {data.query}" if data.query else "Briefing")
    briefing = assemble(docs, title)
    writer = {"md": render.markdown, "docx": render.docx, "pdf": render.pdf}[data.format]
    name = f"briefing-{briefing.made_on}.{data.format}"
    return writer(briefing), MEDIA[data.format], name


class _Holder:
    """A place for a one-off search index (a command without an app)."""
