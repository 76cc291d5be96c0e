"""Rows as the audit trail sees them: which tables are audited, a row's plain values and key,
reading rows back by key, and the rows a foreign key's ON DELETE touches."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select, tuple_
from sqlalchemy.engine import Connection

from labline.db import Base

REDACTED = "***"
SECRET_COLUMNS = frozenset({"password_hash", "token_hash"})
# Bookkeeping columns (updated_at, a token's last use) change without an audit record.
ALWAYS_IGNORED = frozenset({"updated_at"})


def plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


@dataclass(frozen=True)
class AuditedTable:
    table: Table
    ignored: frozenset[str]  # column names left out of the row's digest

    @property
    def name(self) -> str:
        return self.table.name

    def key(self, row: Any) -> str:
        """The row's primary key as the trail names it ("7", or "7,3" for a pair)."""
        return ",".join(str(row[c.name]) for c in self.table.primary_key.columns)

    def compared(self, row: Any) -> dict[str, Any]:
        """The row's plain values that its digest covers (secrets included: a password hash
        edited in the database must show)."""
        return {
            c.name: plain(row[c.name]) for c in self.table.columns if c.name not in self.ignored
        }

    def shown(self, row: Any) -> dict[str, Any]:
        """The row as an audit record shows it (secrets redacted)."""
        out = {}
        for c in self.table.columns:
            v = row[c.name]
            out[c.name] = REDACTED if c.name in SECRET_COLUMNS and v is not None else plain(v)
        return out


_CACHE: dict[int, dict[str, AuditedTable]] = {}


def audited_tables() -> dict[str, AuditedTable]:
    # Asked on every flush: rebuilt only when modules have added tables since.
    cached = _CACHE.get(len(Base.metadata.tables))
    if cached is not None:
        return cached
    mappers = list(Base.registry.mappers)
    out: dict[str, AuditedTable] = {}
    for m in mappers:
        cls = m.class_
        if not getattr(cls, "__audited__", True) or not isinstance(m.local_table, Table):
            continue
        ignored_attrs = {*ALWAYS_IGNORED, *getattr(cls, "__audit_ignore__", ())}
        ignored = {
            col.name for attr in m.column_attrs if attr.key in ignored_attrs for col in attr.columns
        }
        out[m.local_table.name] = AuditedTable(m.local_table, frozenset(ignored))
    _CACHE.clear()
    _CACHE[len(Base.metadata.tables)] = out
    return out


def fetch(conn: Connection, table: Table, keys: Sequence[tuple[Any, ...]]) -> Iterator[Any]:
    """The rows of ``table`` with these primary keys (those still there)."""
    cols = list(table.primary_key.columns)
    unique = list(dict.fromkeys(keys))
    for i in range(0, len(unique), 500):
        chunk = unique[i : i + 500]
        where = cols[0].in_([k[0] for k in chunk]) if len(cols) == 1 else tuple_(*cols).in_(chunk)
        yield from conn.execute(select(table).where(where)).mappings()


def key_string(values: Iterable[Any]) -> str:
    return ",".join(str(v) for v in values)


def dependents(
    conn: Connection, table: Table, keys: Sequence[tuple[Any, ...]]
) -> dict[str, list[tuple[Any, ...]]]:
    """Audited rows that the database itself will delete or change (ON DELETE CASCADE or SET
    NULL) when these rows of ``table`` go, by table; cascades are followed."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    tables = audited_tables()
    todo = [(table, list(keys))]
    seen = 0
    while todo and seen < 20:
        parent, parent_keys = todo.pop()
        seen += 1
        if not parent_keys:
            continue
        for child in tables.values():
            for fk in child.table.foreign_key_constraints:
                if fk.referred_table is not parent or (fk.ondelete or "").upper() not in (
                    "CASCADE",
                    "SET NULL",
                ):
                    continue
                if [e.column for e in fk.elements] != list(parent.primary_key.columns):
                    continue
                local = [e.parent for e in fk.elements]
                pk = list(child.table.primary_key.columns)
                found: list[tuple[Any, ...]] = []
                for i in range(0, len(parent_keys), 500):
                    chunk = parent_keys[i : i + 500]
                    where = (
                        local[0].in_([k[0] for k in chunk])
                        if len(local) == 1
                        else tuple_(*local).in_(chunk)
                    )
                    found += [tuple(r) for r in conn.execute(select(*pk).where(where))]
                if found:
                    out.setdefault(child.name, []).extend(found)
                    if (fk.ondelete or "").upper() == "CASCADE":
                        todo.append((child.table, found))
    return out
