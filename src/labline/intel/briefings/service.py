"""Briefings: the chosen documents (or a search's top results) as one document to hand
on — title, source, date, the digest with its citations, and the cited paragraphs as an
appendix — in Markdown, DOCX (python-docx) or PDF (reportlab, a CJK font built in)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor
from labline.intel import access
from labline.intel.briefings import render
from labline.intel.briefings.schemas import BriefingCreate
from labline.intel.digests.schemas import DigestRead
from labline.intel.digests.service import digest_of
from labline.intel.documents.models import Document
from labline.intel.documents.service import records
from labline.intel.search import service as search

MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@dataclass
class Entry:
    document: Document
    digest: DigestRead
    cited: list[tuple[int, str]]  # (paragraph number, text), in order


@dataclass
class Briefing:
    title: str
    made_on: str
    entries: list[Entry]


def cited_numbers(digest: DigestRead) -> list[int]:
    found = set(digest.core_viewpoint.citations)
    for g in digest.groups:
        for p in g.points:
            found.update(p.citations)
    return sorted(found)


def assemble(documents: Sequence[Document], title: str) -> Briefing:
    entries = []
    for doc in documents:
        digest = digest_of(doc)
        texts = {p.n: p.text for p in doc.paragraphs}
        cited = [(n, texts[n]) for n in cited_numbers(digest) if n in texts]
        entries.append(Entry(doc, digest, cited))
    return Briefing(title, clock.now().date().isoformat(), entries)


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
