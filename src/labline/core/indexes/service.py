"""Indexes beside the database: a snapshot on disk plus the audit-log tail since it.

A process opens the current snapshot (memory-mapped) and replays the audit records written
since the snapshot's audit seq: a changed record is re-added with the vector the worker
stored for its text (`index_vectors`), or lexically until that vector exists. Encoding
happens in the worker (`labline worker`), never in a web request; the worker also writes a
new snapshot beside the live one when there is none, when it is damaged or of another
database, or when the tail grew long, and swaps it in atomically.

Only the job setting "inline" (tests, one-off commands) or a holder without a data folder
encodes in the calling process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.access import Actor, Permission, require
from labline.core.indexes import store
from labline.core.indexes.encoder import live_encoder
from labline.core.indexes.models import JobFailure
from labline.core.indexes.trail import anchors, foreign, last_seq
from labline.core.indexes.vectors import digest, store_vectors, stored_vectors
from labline.core.models import AuditRecord
from labline.search import Record, SearchIndex
from labline.search.dense import Encoder

log = logging.getLogger("labline.indexes")

REBUILD_AFTER = 20_000  # tail records; beyond this the worker writes a new snapshot
BATCH = 256  # records encoded (or vectors read) at a time
RECHECK = 500  # pending records looked up per use
# A rebuild reads the vectors the worker stored and encodes only the records without one,
# so a damaged snapshot is rebuilt in minutes, not re-encoded for hours.


@dataclass(frozen=True)
class Spec:
    """What a domain's index is: its parts, the tables whose audit records change it, how
    to read its live records and how to read one changed row."""

    name: str
    parts: tuple[str, ...]
    tables: tuple[str, ...]
    new_part: Callable[[str, Encoder | None], SearchIndex]
    live_records: Callable[[Session], dict[str, list[Record]]]
    # (table, row id) -> what to replace: (part, record id, the record or None when it
    # left the index), for the row and the records made from it (an organisation's teams)
    changed: Callable[[Session, str, int], list[tuple[str, str, Record | None]]]
    version: int = 1  # raised when a record's shape changes: older snapshots are rebuilt


SPECS: dict[str, Spec] = {}


def register(spec: Spec) -> Spec:
    SPECS[spec.name] = spec
    return spec


@dataclass
class Live:
    parts: dict[str, SearchIndex]
    audit_seq: int
    generation: str | None = None
    # record id -> (part, record, digest): indexed lexically, waiting for its vector
    pending: dict[str, tuple[str, Record, str]] = field(default_factory=dict)
    note: str = ""  # what happened when it was opened (a snapshot rebuilt, and why)


_locks: dict[str, threading.Lock] = {}
# Set by `without_waiting`: an index another thread is opening for the first time is not
# waited for (IndexOpening instead).
_no_wait: ContextVar[bool] = ContextVar("labline_index_no_wait", default=False)


class IndexOpening(Exception):
    """The index is being opened (read from its snapshot, or built) by another request of
    this process for the first time; raised only `without_waiting`."""

    def __init__(self, name: str) -> None:
        super().__init__(f"index {name} is still being opened")
        self.name = name


@contextmanager
def without_waiting() -> Iterator[None]:
    """Within it, `open_index` raises IndexOpening instead of waiting for another request
    that opens the index for the first time (the one search box answers without that kind
    rather than queue every search behind the first)."""
    token = _no_wait.set(True)
    try:
        yield
    finally:
        _no_wait.reset(token)


# How to ask the worker for a refresh (set by labline.core.indexes.jobs, which imports this).
_enqueue: list[Callable[[str], None]] = [lambda name: None]


def set_enqueue(enqueue: Callable[[str], None]) -> None:
    _enqueue[0] = enqueue


def directory_of(holder: Any, spec: Spec) -> Path | None:
    """The holder's (an app's state, a command's context) index folder, if it has one."""
    settings = getattr(holder, "settings", None)
    data_dir = getattr(settings, "data_dir", None)
    return None if data_dir is None else Path(data_dir) / "indexes" / spec.name


def encodes_inline(holder: Any) -> bool:
    settings = getattr(holder, "settings", None)
    return settings is None or getattr(settings, "jobs", "sqlite") == "inline"


# --- the audit trail (anchors and foreign: labline.core.indexes.trail) ------------------


def tail(session: Session, spec: Spec, after: int) -> list[tuple[int, str, str]]:
    return [
        (int(s), str(t), str(e))
        for s, t, e in session.execute(
            select(AuditRecord.seq, AuditRecord.entity_type, AuditRecord.entity_id)
            .where(AuditRecord.seq > after)
            .where(AuditRecord.entity_type.in_(spec.tables))
            .order_by(AuditRecord.seq)
        ).all()
    ]


# --- vectors (stored and read: labline.core.indexes.vectors) ----------------------------


def _add(
    session: Session,
    live: Live,
    part: str,
    records: list[Record],
    encoder: Encoder | None,
    inline: bool,
    keep: bool = False,
) -> None:
    """Add records to a part with their stored vectors; the others are encoded here (and
    stored, if `keep`) when `inline`, else added with a zero vector (lexical only) until
    the worker has encoded them."""
    index = live.parts[part]
    if encoder is None or not records:
        index.add(records)
        return
    for i in range(0, len(records), BATCH):
        batch = records[i : i + BATCH]
        digests = {r.id: digest(encoder, r) for r in batch}
        found = stored_vectors(session, encoder, digests)
        missing = [r for r in batch if r.id not in found]
        if inline and missing:
            made = encoder.encode([SearchIndex.document_text(r.fields) for r in missing])
            if keep:
                store_vectors(session, encoder, missing, made)
            found.update(zip((r.id for r in missing), made, strict=True))
        vectors = np.zeros((len(batch), encoder.dim), dtype=np.float32)
        for j, r in enumerate(batch):
            if r.id in found:
                vectors[j] = found[r.id]
                live.pending.pop(r.id, None)
            else:
                live.pending[r.id] = (part, r, digests[r.id])
        index.add(batch, vectors=vectors)


def record_vector(index: SearchIndex, record_id: str) -> np.ndarray | None:
    """A record's own vector in the index (None if it is not there or waits for one): a
    query made from a record is searched with it, so nothing is encoded in a request."""
    row = index.row_of.get(record_id)
    if row is None or index.encoder is None or row >= len(index.vectors):
        return None
    vec = index.vectors.row(row)
    return vec if vec.any() else None


# --- building and opening ---------------------------------------------------------------


def build(session: Session, spec: Spec, *, inline: bool, keep: bool = False) -> Live:
    """Every live record, from the database, with the stored vectors; the others encoded
    here (`inline`; stored too if `keep`) or waiting for the worker."""
    encoder = live_encoder()
    seq = last_seq(session)
    live = Live({p: spec.new_part(p, encoder) for p in spec.parts}, seq)
    for part, records in spec.live_records(session).items():
        _add(session, live, part, records, encoder, inline, keep)
    return live


def rebuild(session: Session, spec: Spec, directory: Path, *, keep: bool = True) -> Live:
    """Build with every record's vector (stored, or encoded and stored if `keep`), write it
    beside the live snapshot and swap it in."""
    live = build(session, spec, inline=True, keep=keep)
    meta = {**anchors(session, live.audit_seq), "encoder": live_encoder().name}
    meta.update(name=spec.name, version=spec.version, words=store.words_version())
    live.generation = store.write(directory, live.parts, meta)
    return live


def problem(session: Session, spec: Spec, directory: Path, *, full: bool) -> str | None:
    """Why the current snapshot cannot be used (None if it can). `full` checks every part's
    checksum too (reads every file)."""
    try:
        if full:
            snap = store.read(directory, encoder=live_encoder())
            meta = snap.meta
        else:
            _gen, meta = store.read_meta(directory)
    except store.SnapshotProblem as exc:
        return str(exc)
    if meta.get("encoder") != live_encoder().name:
        return f"it was encoded with {meta.get('encoder')}, not {live_encoder().name}"
    return foreign(session, meta, spec.version)


def _open(session: Session, spec: Spec, directory: Path | None, inline: bool) -> Live:
    if directory is None:
        return build(session, spec, inline=True)
    why: str | None
    try:
        snap = store.read(directory, encoder=live_encoder(), full=False)
        why = foreign(session, snap.meta, spec.version)
    except store.SnapshotProblem as exc:
        why = str(exc)
    if why is None:
        live = Live(snap.parts, snap.audit_seq, snap.generation)
        catch_up(session, spec, live, inline=inline)
        return live
    log.warning("index %s: the snapshot cannot be used (%s)", spec.name, why)
    if inline:  # the job runs here: rebuild beside the live one, swap it in
        live = rebuild(session, spec, directory, keep=False)
        live.note = f"rebuilt: {why}"
        return live
    _enqueue[0](spec.name)
    live = build(session, spec, inline=False)
    live.note = f"lexical until the worker rebuilds it: {why}"
    return live


def catch_up(
    session: Session, spec: Spec, live: Live, *, inline: bool, upto: int | None = None
) -> int:
    """Replay the audit records since the index's seq; look again for pending vectors.
    `upto`, the database's last audit seq read just before: nothing to replay (no query
    for the tail) when the index is there already; and the index is then as of it, even
    when the records since were of other tables (or every search would ask again)."""
    if upto is not None and upto <= live.audit_seq and not live.pending:
        return 0
    rows = tail(session, spec, live.audit_seq)
    encoder = live_encoder() if any(p.encoder for p in live.parts.values()) else None
    if any(not eid.isdigit() for _s, _t, eid in rows):  # a bulk load: read everything again
        fresh = build(session, spec, inline=inline)
        live.parts, live.audit_seq, live.pending = fresh.parts, fresh.audit_seq, fresh.pending
        return len(rows)
    seen: dict[tuple[str, int], None] = dict.fromkeys((t, int(e)) for _s, t, e in rows)
    adds: dict[str, dict[str, Record]] = {}
    for table, eid in seen:
        for part, rid, record in spec.changed(session, table, eid):
            live.pending.pop(rid, None)
            if record is None:
                live.parts[part].delete(_ids_matching(live.parts[part], rid))
            else:
                adds.setdefault(part, {})[rid] = record
    if live.pending and encoder is not None:
        waiting = dict(list(live.pending.items())[:RECHECK])
        found = stored_vectors(session, encoder, {k: v[2] for k, v in waiting.items()})
        for rid, vec in found.items():
            part, record, _d = live.pending.pop(rid)
            live.parts[part].add([record], vectors=vec.reshape(1, -1))
    for part, records in adds.items():
        _add(session, live, part, list(records.values()), encoder, inline)
    if rows:
        live.audit_seq = max(live.audit_seq, rows[-1][0])
    if upto is not None:
        live.audit_seq = max(live.audit_seq, upto)
    return len(seen)


def _ids_matching(index: SearchIndex, rid: str) -> list[str]:
    """The record id, or every id it prefixes when it ends in "*" (a document gone with
    its paragraphs, whose number the database no longer knows)."""
    if not rid.endswith("*"):
        return [rid]
    prefix = rid[:-1]
    return [i for i in index.row_of if i.startswith(prefix)]


def open_index(session: Session, spec: Spec, holder: Any) -> Live:
    """The holder's copy of the index, opened from the snapshot (or rebuilt) the first time,
    reopened when the worker swapped in a new snapshot, and caught up before each use."""
    directory = directory_of(holder, spec)
    inline = encodes_inline(holder)
    lock = _locks.setdefault(spec.name, threading.Lock())
    first = spec.name not in (getattr(holder, "indexes", None) or {})
    if not lock.acquire(blocking=not (first and _no_wait.get())):
        raise IndexOpening(spec.name)
    try:
        cache: dict[str, Live] = getattr(holder, "indexes", None) or {}
        live = cache.get(spec.name)
        seq = last_seq(session)
        if live is not None and live.audit_seq > seq:
            live = None  # the database went back (a restore): start again
        if live is not None and directory is not None:
            gen = store.generation(directory)
            if gen is not None and gen != live.generation:
                try:
                    snap = store.read(directory, encoder=live_encoder(), full=False)
                    if foreign(session, snap.meta, spec.version) is None:
                        live = Live(snap.parts, snap.audit_seq, snap.generation)
                except store.SnapshotProblem as exc:
                    log.warning("index %s: new snapshot %s unusable: %s", spec.name, gen, exc)
        if live is None:
            live = _open(session, spec, directory, inline)
        else:
            catch_up(session, spec, live, inline=inline, upto=seq)
        cache[spec.name] = live
        holder.indexes = cache
        return live
    finally:
        lock.release()


# --- the worker's side ------------------------------------------------------------------


def encode_missing(
    session: Session,
    records: Sequence[Record],
    *,
    checkpoint: Callable[[], None] | None = None,
) -> int:
    """Encode and store the records without a vector for their current text, a batch at a
    time; `checkpoint` (the job's commit) runs after each batch, so a long run stopped
    part-way keeps what it encoded."""
    encoder = live_encoder()
    done = 0
    for i in range(0, len(records), BATCH):
        batch = records[i : i + BATCH]
        have = stored_vectors(session, encoder, {r.id: digest(encoder, r) for r in batch})
        todo = [r for r in batch if r.id not in have]
        if todo:
            texts = [SearchIndex.document_text(r.fields) for r in todo]
            store_vectors(session, encoder, todo, encoder.encode(texts))
            done += len(todo)
            if checkpoint is not None:
                checkpoint()
    return done


def encode_tail(
    session: Session,
    spec: Spec,
    directory: Path,
    *,
    checkpoint: Callable[[], None] | None = None,
) -> str:
    """The worker's job: a snapshot that cannot be used (or a long tail) is rebuilt; else
    the tail's records without a vector for their current text are encoded and stored.
    A rebuild first encodes what has no vector yet, batch by batch (`checkpoint` after
    each), so it never holds hours of encoding in one transaction."""
    why = problem(session, spec, directory, full=False)
    if why is None:
        _gen, meta = store.read_meta(directory)
        rows = tail(session, spec, int(meta["audit_seq"]))
        if len(rows) > REBUILD_AFTER or any(not e.isdigit() for _s, _t, e in rows):
            why = f"{len(rows)} changes since the last one"
    if why is not None:
        every = [r for part in spec.live_records(session).values() for r in part]
        encode_missing(session, every, checkpoint=checkpoint)
        rebuild(session, spec, directory)
        return f"rebuilt the snapshot beside the live one ({why})"
    changed = {
        rid: rec
        for t, e in dict.fromkeys((t, int(e)) for _s, t, e in rows)
        for _part, rid, rec in spec.changed(session, t, e)
    }
    records = [rec for rec in changed.values() if rec is not None]
    done = encode_missing(session, records, checkpoint=checkpoint)
    return f"encoded {done} of {len(records)} changed records"


# --- failed jobs ------------------------------------------------------------------------


def job_failures(session: Session, *, actor: Actor, limit: int = 200) -> Sequence[JobFailure]:
    """Background jobs that failed after their retries, newest first (operators only)."""
    require(actor, Permission.view_jobs)
    return session.scalars(
        select(JobFailure).order_by(JobFailure.id.desc()).limit(max(1, min(limit, 1000)))
    ).all()


def check_or_rebuild(
    session: Session, *, actor: Actor, spec: Spec, directory: Path, check: bool
) -> tuple[str | None, str]:
    """Verify the snapshot fully (every checksum, the database it belongs to); unless
    `check`, rebuild it beside the live one when it cannot be used, or catch its tail up.
    Returns (the problem found or None, what was done)."""
    require(actor, Permission.view_jobs)
    why = problem(session, spec, directory, full=True)
    if check:
        return why, "checked"
    if why is not None:
        live = rebuild(session, spec, directory)
        return why, f"rebuilt beside the live one as {live.generation} (audit seq {live.audit_seq})"
    return None, encode_tail(session, spec, directory)
