"""What a briefing holds: per document its digest and the paragraphs the digest cites."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from labline import clock
from labline.intel.digests.schemas import DigestRead
from labline.intel.digests.service import digest_of
from labline.intel.documents.models import Document


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
    return Briefing(title, clock.today().isoformat(), entries)
