"""Searching every kind of record at once: each module's `Searchable` (handed in by the
caller from the module records: the app's state, a command's context) is asked for its own
kinds, and answers only with what the actor may see; the results come back grouped by kind
in module order. Core imports no other domain: the searchables are passed in.

The query is encoded once per search: one `QueryVectors` goes to every `find`, which
searches its indexes with the vector of their encoder (the same one for all the app's
indexes). `search_records` and `found_of` are the shape most `find`s share: search one part
of an index beside the database, then show each hit as a `Found`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from labline.core.access import Actor, Permission, require
from labline.core.indexes import service as indexes
from labline.errors import FieldError, InvalidInput
from labline.finding import Ask, Found
from labline.modules import Searchable, SearchKind
from labline.search import Hit, Record, SearchError, SearchIndex
from labline.search.queries import QueryVectors
from labline.search.surface import surface_terms

PER_KIND = 5  # results per kind when every kind is asked
ONE_KIND = 30  # results when one kind is asked
TERMS = 8  # whole words shown per result


@dataclass
class Group:
    kind: SearchKind
    found: list[Found] = field(default_factory=list)
    # Not searched: its index is still being opened by another request (a server that has
    # just started, an index without a snapshot); the search did not wait for it.
    opening: bool = False


def kinds_of(searchables: Sequence[Searchable]) -> list[SearchKind]:
    return [k for s in searchables for k in s.kinds]


def search_everything(
    session: Session,
    *,
    actor: Actor,
    holder: Any,
    searchables: Sequence[Searchable],
    query: str,
    kind: str | None = None,
    k: int | None = None,
) -> list[Group]:
    """The records of every kind (or of `kind` only) that match the query, grouped by kind;
    kinds with nothing found are left out. A kind whose index another request is opening
    for the first time is not waited for: its group comes back empty and `opening` (a
    burst of searches at a fresh server is answered at once, without it, rather than
    queued behind that request and refused)."""
    require(actor, Permission.view_directory)
    if not query.strip():
        raise InvalidInput(
            "Say what to look for.", fields=[FieldError("q", "empty query", {"min_length": 1})]
        )
    known = [k_.kind for k_ in kinds_of(searchables)]
    if kind is not None and kind not in known:
        raise InvalidInput(
            f"There is no kind of record {kind!r}.",
            fields=[FieldError("kind", f"unknown kind {kind!r}", {"allowed": known})],
        )
    limit = k or (ONE_KIND if kind else PER_KIND)
    vectors = QueryVectors(query)  # encoded on first use, once for every index
    groups: list[Group] = []
    for searchable in searchables:
        wanted = [sk for sk in searchable.kinds if kind is None or sk.kind == kind]
        if not wanted:
            continue
        ask = Ask(actor=actor, holder=holder, query=query, k=limit, vectors=vectors)
        try:
            with indexes.without_waiting():
                found = searchable.find(session, ask)
        except indexes.IndexOpening:
            groups.extend(Group(sk, opening=True) for sk in wanted)
            continue
        for sk in wanted:
            items = [f for f in found if f.kind == sk.kind and worded(f)][:limit]
            if items:
                groups.append(Group(sk, items))
    return groups


def worded(found: Found) -> bool:
    """Found by at least one word of the query or of its dictionary translation. Sentence
    vectors rank every record somewhere, and a small index's best is always "meaning
    100%" (each side's scores are scaled over its own candidates), so a record found by its
    vector alone is not shown, as the document search already does. Gibberish has no
    words to match, so the index's own cut-off is kept."""
    return found.lexical > 0 or found.bridge > 0 or bool(found.matched_terms)


def search_records(
    session: Session,
    spec: indexes.Spec,
    ask: Ask,
    *,
    k: int,
    part: str = "records",
    filters: dict[str, Any] | None = None,
) -> list[tuple[int, Hit]]:
    """The best `k` hits of one part of an index beside the database (opened and caught up
    with the audit tail) for the asked query and its shared vector, each with the number of
    the record it points at (record ids are "kind:number"); a query the index refuses is
    the caller's error on `q`."""
    index = indexes.open_index(session, spec, ask.holder).parts[part]
    try:
        hits = index.search(
            ask.query,
            k=k,
            filters=filters,
            explain=True,
            query_vector=ask.vectors.for_index(index),
        )
    except SearchError as exc:
        field_ = getattr(exc, "field", "q")
        raise InvalidInput(str(exc), fields=[FieldError(field_, str(exc))]) from exc
    return [(int(h.id.rpartition(":")[2]), h) for h in hits]


def found_of(
    hit: Hit,
    record: Record,
    *,
    kind: str,
    id: int,
    path: str,
    title: str,
    title_en: str = "",
    detail: str = "",
) -> Found:
    """A hit as the one search box shows it: its score and what it is made of, and the
    whole words of the record's indexed text it was found by (not stems or n-grams)."""
    e = hit.explanation
    terms = e.matched_terms if e else {}
    return Found(
        kind=kind,
        id=id,
        path=path,
        title=title,
        title_en=title_en,
        detail=detail,
        score=hit.score,
        matched_terms=tuple(surface_terms(terms, SearchIndex.document_text(record.fields), TERMS)),
        lexical=e.lexical if e else 0.0,
        bridge=e.bridge if e else 0.0,
        semantic=e.semantic if e else 0.0,
    )
