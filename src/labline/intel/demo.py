"""The demo world's document collection: texts written for the demo (demo_texts), stored
through the ingest service like any import (the reposted copy is linked, not stored)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from labline.intel.demo_texts import DEMO_DOCUMENTS
from labline.intel.documents.models import Collection
from labline.intel.documents.readers import Parsed, _checked, paragraphs_of, parse_date, sha256_of
from labline.intel.documents.service.ingest import store

if TYPE_CHECKING:
    from labline.demo.world import World


def step_intel(world: World) -> None:
    session = world.session
    collection = Collection(
        name="demo-policy",
        description="Example policy documents and remarks (written for the labline demo)",
        published=True,
    )
    session.add(collection)
    session.flush()
    outcomes = {"imported": 0, "duplicate": 0, "skipped": 0}
    for entry in DEMO_DOCUMENTS:
        parsed = _checked(
            Parsed(
                entry["title"],
                paragraphs_of(entry["text"]),
                "text",
                sha256_of(entry["text"].encode()),
                source=entry["source"],
                issued_on=parse_date(entry["date"]),
                doc_number=entry.get("doc_number", ""),
            ),
            entry["title"],
        )
        outcomes[store(session, collection=collection, parsed=parsed).outcome] += 1
    world.counts["intel_documents"] = outcomes["imported"]
    world.counts["intel_linked_copies"] = outcomes["duplicate"]
