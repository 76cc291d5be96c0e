"""Documents for the one search box (intel's Searchable): the document search itself, so a
reader finds only the collections they may read, and nobody signed out finds any."""

from __future__ import annotations

from sqlalchemy.orm import Session

from labline.finding import Ask, Found
from labline.intel.search import service


def find(session: Session, ask: Ask) -> list[Found]:
    if ask.actor.is_anonymous:
        return []
    found = service.search(
        session,
        actor=ask.actor,
        holder=ask.holder,
        query=ask.query,
        limit=ask.k,
        vectors=ask.vectors,
    )
    return [
        Found(
            kind="document",
            id=f.document.id,
            path=f"/intel/documents/{f.document.id}",
            title=f.document.title,
            detail=" · ".join(
                x
                for x in (
                    f.document.source or "",
                    f.document.issued_label,
                )
                if x
            ),
            score=f.score,
            matched_terms=tuple(f.terms[:8]),
            lexical=f.lexical,
            bridge=f.bridge,
            semantic=f.semantic,
        )
        for f in found
    ]
