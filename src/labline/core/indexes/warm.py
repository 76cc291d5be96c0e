"""The core's warm-up: every registered index that has a usable snapshot, opened before the
process takes requests, and the query encoder loaded, so that no request (nor a burst of
them, queued behind the first) waits for either.

An index without a usable snapshot is not built here: building it reads every record (and
a slow start would fail the server's health check); it is left as before to the worker and
to the first request that needs it.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

from sqlalchemy.orm import Session

from labline.core.indexes import service
from labline.core.indexes.encoder import live_encoder
from labline.search import SearchError, SearchIndex
from labline.search.queries import QueryVectors

log = logging.getLogger("labline.indexes")

# Searched once in each opened part: it loads the word segmenter, the dictionaries and the
# query encoder, and pages in what a first query reads.
PROBE = "太阳能电池 solar cell"


def warm_up(session: Session, holder: Any) -> None:
    """Open every index with a usable snapshot into `holder` (the app's state) and search
    each once; say what was opened, what was left and how long it took."""
    started = time.perf_counter()
    opened: list[str] = []
    left: list[str] = []
    vectors = QueryVectors(PROBE)
    encoder = live_encoder()  # every index's (a snapshot of another is not opened)
    vectors.of(encoder)  # loads the model: the first search would, for every index
    loaded = time.perf_counter() - started
    for spec in list(service.SPECS.values()):
        directory = service.directory_of(holder, spec)
        why = "no data folder" if directory is None else None
        if directory is not None:
            why = service.problem(session, spec, directory, full=False)
        if why is not None:
            left.append(f"{spec.name} ({why})")
            continue
        began = time.perf_counter()
        try:
            live = service.open_index(session, spec, holder)
            for index in live.parts.values():
                _probe(index, vectors)
        except Exception:  # the others are still opened; a request opens this one
            log.exception("warm-up: index %s could not be opened", spec.name)
            left.append(f"{spec.name} (failed)")
            continue
        opened.append(f"{spec.name} {time.perf_counter() - began:.1f} s")
    log.info(
        "warm-up: query encoder %s loaded in %.1f s; opened %d of %d indexes (%s);"
        " left for the worker and the first request: %s; %.1f s in all",
        encoder.name,
        loaded,
        len(opened),
        len(service.SPECS),
        ", ".join(opened) or "none",
        ", ".join(left) or "none",
        time.perf_counter() - started,
    )


def _probe(index: SearchIndex, vectors: QueryVectors) -> None:
    # Only a warm-up: a query the index refused has still loaded what it needed.
    with contextlib.suppress(SearchError):
        index.search(vectors.query, k=1, query_vector=vectors.for_index(index))
