"""Verifying the audit trail: the keyed chain, its signed head, a head kept outside the
database (the anchor file), and the audited tables against the state the trail recorded.

What each check stops, for someone who can write the database but has not the key:
- an edited or inserted record: its HMAC does not fit (the key is outside the database);
- a trimmed tail: the signed head (audit_head) names the last record; replacing it with an
  older signed head they copied earlier is caught by the anchor file, which `labline audit
  verify` moves forward on every clean run and which lives in the data folder;
- a row edited, inserted or deleted without the application: its digest (keyed) differs
  from the one the trail recorded for it.
The checks work on plain dicts, so that a backup can be verified before it is restored.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.audit_keys import (
    GENESIS,
    HASHED_FIELDS,
    current_key,
    head_mac,
    mac,
    record_hash,
    row_digest,
    same,
)
from labline.core.audit_rows import AuditedTable, audited_tables
from labline.core.models import AuditHead, AuditRecord

LEGACY = "legacy"  # a row last recorded by a version-0 record: no digest to compare with
RECORD_FIELDS = (*HASHED_FIELDS, "v", "state", "hash")
PROBLEMS = {
    "edited": "changed outside the audit trail",
    "deleted": "deleted outside the audit trail",
    "inserted": "inserted outside the audit trail",
    "undeleted": "present, though the trail recorded its deletion",
    "duplicate": "appears twice",
}


@dataclass(frozen=True)
class ChainReport:
    checked: int
    ok: bool
    first_broken_seq: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class RowDifference:
    table: str
    key: str
    problem: str  # a key of PROBLEMS

    def describe(self) -> str:
        return f"{self.table} row {self.key}: {PROBLEMS[self.problem]}"


@dataclass
class ChainCheck:
    """Feed records in order; keeps what the trail says each audited row should be."""

    key: bytes
    watch: int | None = None  # a record whose hash to keep (the anchor's)
    prev: str = GENESIS
    checked: int = 0
    broken: ChainReport | None = None
    keyed_from: int | None = None
    legacy: int = 0
    watched: str | None = None
    states: dict[str, dict[str, str | None]] = field(default_factory=dict)
    legacy_bulk: set[str] = field(default_factory=set)

    def _break(self, seq: int, reason: str) -> None:
        self.broken = ChainReport(self.checked, False, seq, reason)

    def feed(self, rec: Mapping[str, Any]) -> None:
        if self.broken:
            return
        seq, v = rec["seq"], rec.get("v") or 0
        if seq != self.checked + 1:
            return self._break(seq, f"expected record {self.checked + 1}, found {seq}")
        if rec["prev_hash"] != self.prev:
            return self._break(seq, "its prev_hash does not match record before")
        if v and self.keyed_from is None:
            self.keyed_from = seq
        elif not v and self.keyed_from is not None:
            return self._break(seq, "an unkeyed record after keyed ones (forged)")
        if not same(record_hash(dict(rec), key=self.key), rec["hash"]):
            return self._break(seq, "its content does not match its hash")
        self.prev, self.checked = rec["hash"], self.checked + 1
        if seq == self.watch:
            self.watched = rec["hash"]
        table = self.states.setdefault(rec["entity_type"], {})
        if v and rec.get("state"):
            table.update(json.loads(rec["state"]))
        elif not v:
            self.legacy += 1
            if rec["entity_id"] == "*":
                self.legacy_bulk.add(rec["entity_type"])
            else:
                table[rec["entity_id"]] = None if rec["action"] == "delete" else LEGACY

    def report(self) -> ChainReport:
        return self.broken or ChainReport(self.checked, True)


def check_head(chain: ChainCheck, head: Mapping[str, Any] | None) -> str:
    """Why the signed head does not fit the chain ("" when it does)."""
    if head is None:
        if chain.keyed_from is None:
            return ""  # a chain from before keyed chains, never appended to since
        return "the chain's signed head is missing (records after it may have been removed)"
    expected = head_mac(head["seq"], head["hash"], head["keyed_from"], key=chain.key)
    if not same(expected, head["mac"]):
        return "the chain's head is not signed with this installation's audit key (forged)"
    if head["seq"] > chain.checked:
        return (
            f"the chain ends at record {chain.checked} but its signed head is record"
            f" {head['seq']}: records {chain.checked + 1}–{head['seq']} were removed"
        )
    if head["seq"] != chain.checked or head["hash"] != chain.prev:
        return f"the signed head names record {head['seq']}, the chain ends at {chain.checked}"
    if head["keyed_from"] != chain.keyed_from:
        return f"the signed head says the chain is keyed from record {head['keyed_from']}"
    return ""


# --- the anchor: the head, kept in a file outside the database --------------------------------


def read_anchor(path: Path, key: bytes) -> tuple[dict[str, Any] | None, str]:
    if not path.is_file():
        return None, ""
    try:
        anchor = json.loads(path.read_text(encoding="utf-8"))
        body = {k: anchor[k] for k in ("seq", "hash", "keyed_from")}
        good = same(mac(body, key=key), anchor["mac"])
    except (ValueError, KeyError, TypeError, OSError):
        return None, f"the anchor file {path} is unreadable"
    return (body, "") if good else (None, f"the anchor file {path} is not signed with this key")


def check_anchor(chain: ChainCheck, anchor: Mapping[str, Any], path: Path) -> str:
    if anchor["seq"] > chain.checked:
        return (
            f"the anchor file {path} names record {anchor['seq']}, the chain ends at"
            f" {chain.checked}: records were removed"
        )
    if chain.watched != anchor["hash"] or chain.keyed_from != anchor["keyed_from"]:
        return f"record {anchor['seq']} is not the one the anchor file {path} recorded"
    return ""


def write_anchor(path: Path, chain: ChainCheck) -> None:
    body = {"seq": chain.checked, "hash": chain.prev, "keyed_from": chain.keyed_from}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial")
    tmp.write_text(json.dumps({**body, "mac": mac(body, key=chain.key)}), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)


# --- tables against the trail ------------------------------------------------------------------


def compare_table(
    chain: ChainCheck, table: AuditedTable, rows: Iterable[Any]
) -> tuple[list[RowDifference], int, int]:
    """Differences between a table's rows and the trail, rows compared, rows not comparable
    (recorded only by version-0 records)."""
    expected = chain.states.get(table.name, {})
    out: list[RowDifference] = []
    seen: set[str] = set()
    checked = unverifiable = 0
    for row in rows:
        key = table.key(row)
        if key in seen:
            out.append(RowDifference(table.name, key, "duplicate"))
            continue
        seen.add(key)
        checked += 1
        want = expected.get(key, LEGACY if table.name in chain.legacy_bulk else "")
        if want == LEGACY:
            unverifiable += 1
        elif want == "":
            out.append(RowDifference(table.name, key, "inserted"))
        elif want is None:
            out.append(RowDifference(table.name, key, "undeleted"))
        elif not same(want, row_digest(table.name, table.compared(row), key=chain.key)):
            out.append(RowDifference(table.name, key, "edited"))
    for key, want in expected.items():
        if want is not None and key not in seen:
            out.append(RowDifference(table.name, key, "deleted"))
    return out, checked, unverifiable


@dataclass
class IntegrityReport:
    chain: ChainReport
    head: str = ""
    anchor: str = ""
    rows_checked: int = 0
    unverifiable: int = 0
    legacy_records: int = 0
    differences: list[RowDifference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.head and not self.anchor and not self.differences

    def problems(self) -> list[str]:
        out = []
        if not self.chain.ok:
            out.append(f"record {self.chain.first_broken_seq}: {self.chain.reason}")
        out += [p for p in (self.head, self.anchor) if p]
        out += [d.describe() for d in self.differences]
        return out


def _chain_rows(session: Session) -> Iterable[Mapping[str, Any]]:
    cols = [getattr(AuditRecord, f) for f in RECORD_FIELDS]
    result = session.execute(select(*cols).order_by(AuditRecord.seq)).yield_per(2000)
    for row in result:
        yield dict(zip(RECORD_FIELDS, row, strict=True))


def _head(session: Session) -> dict[str, Any] | None:
    head = session.get(AuditHead, 1)
    if head is None:
        return None
    return {"seq": head.seq, "hash": head.hash, "keyed_from": head.keyed_from, "mac": head.mac}


def verify_chain(session: Session, *, key: bytes | None = None) -> ChainReport:
    """Recompute every hash in order; name the first record that does not fit."""
    chain = ChainCheck(key or current_key())
    for rec in _chain_rows(session):
        chain.feed(rec)
        if chain.broken:
            break
    return chain.report()


def verify(
    session: Session, *, anchor: Path | None = None, key: bytes | None = None
) -> IntegrityReport:
    """The chain, its signed head, the anchor file (when given; moved forward when all is
    well) and every audited table's rows against the trail."""
    key = key or current_key()
    kept, anchor_problem = read_anchor(anchor, key) if anchor else (None, "")
    chain = ChainCheck(key, watch=kept["seq"] if kept else None)
    for rec in _chain_rows(session):
        chain.feed(rec)
        if chain.broken:
            break
    report = IntegrityReport(chain.report(), legacy_records=chain.legacy, anchor=anchor_problem)
    if not chain.broken:
        report.head = check_head(chain, _head(session))
        if kept and anchor:
            report.anchor = check_anchor(chain, kept, anchor)
        for table in audited_tables().values():
            rows = session.execute(select(table.table)).mappings().yield_per(5000)
            diffs, checked, unverifiable = compare_table(chain, table, rows)
            report.differences += diffs
            report.rows_checked += checked
            report.unverifiable += unverifiable
    if report.ok and anchor:
        write_anchor(anchor, chain)
    return report
