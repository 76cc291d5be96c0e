"""Search results as the API, the command line and the pages show them."""

from __future__ import annotations

from labline.i18n import gettext as _
from labline.intel.digests.service import digest_of
from labline.intel.search.schemas import ResultRead, SearchRead, SnippetRead, WordsOnlyRead
from labline.intel.search.service import Coverage, Found


def result_of(found: Found, *, with_digest: bool = False) -> ResultRead:
    doc = found.document
    return ResultRead(
        id=doc.id,
        title=doc.title,
        source=doc.source,
        date=doc.issued_on,
        date_precision=doc.date_precision,
        date_label=doc.issued_label,
        language=doc.language,
        doc_number=doc.doc_number,
        doc_type=doc.doc_type,
        collection_id=doc.collection_id,
        score=round(found.score, 6),
        paragraphs=[SnippetRead(n=s.n, text=s.text, highlights=s.spans) for s in found.paragraphs],
        matched_terms=found.terms,
        digest=digest_of(doc) if with_digest else None,
    )


def words_only_of(coverage: Coverage | None) -> WordsOnlyRead | None:
    """What the reader is told (in the current locale) while results are by words only."""
    if coverage is None or not coverage.words_only:
        return None
    if not coverage.dense:
        note = _(
            "Results are found by their words only: this server has no sentence encoder, "
            "so documents are not searched by meaning."
        )
    else:
        note = _(
            "Results are found by their words only until the worker has encoded the "
            "documents (%(waiting)s of %(paragraphs)s paragraphs are waiting). Start it "
            "with the command labline worker (labline serve starts one beside the server).",
            waiting=coverage.waiting,
            paragraphs=coverage.paragraphs,
        )
    return WordsOnlyRead(paragraphs=coverage.paragraphs, waiting=coverage.waiting, note=note)


def results_of(
    found: list[Found], *, with_digest: bool = False, coverage: Coverage | None = None
) -> SearchRead:
    return SearchRead(
        results=[result_of(f, with_digest=with_digest) for f in found],
        words_only=words_only_of(coverage),
    )


def segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The text cut at the highlights: (piece, is_match) pairs for a template to mark."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in spans:
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text):
        out.append((text[at:], False))
    return out
