"""The shape of a module's finder for one kind of row (an instrument, a funding call): an
index of one part, "records", beside the database (labline.core.indexes), each record
"kind:id" made from one row, caught up with the audit tail before each search; a search
shows the hits whose rows the asker may see. The module hands in what is its own: how a
row reads as a record and as a result, which rows are indexed, which rows a change touches.
Core imports no other domain: the module's rows come in as opaque values."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from labline.core.finder.service import found_of, search_records
from labline.core.indexes import service as indexes
from labline.finding import Ask, Found
from labline.search import Record, SearchIndex
from labline.search.dense import Encoder


class _Row(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=_Row)


@dataclass(frozen=True)
class Shown:
    """A row as the one search box shows it (record content, as written)."""

    path: str
    title: str
    title_en: str = ""
    detail: str = ""


@dataclass(frozen=True)
class RowKind(Generic[R]):
    kind: str  # the Searchable's kind and the records' id prefix ("instrument")
    record: Callable[[R], Record]  # the row's indexed text
    shown: Callable[[R], Shown]
    live: Callable[[Session], Iterable[R]]  # every indexed row, in id order
    by_ids: Callable[[Session, Sequence[int]], Iterable[R]]  # rows by id (any state)
    # (table, row id) -> the records the change touches: id -> its row, None when gone
    touched: Callable[[Session, str, int], Mapping[int, R | None]]
    indexed: Callable[[R], bool] = lambda _row: True  # a touched row that stays indexed


def _new_part(_part: str, encoder: Encoder | None) -> SearchIndex:
    return SearchIndex(use_dense=encoder is not None, encoder=encoder)


class RowFinder(Generic[R]):
    """One kind of row made findable: its index registered under `name`, changed by the
    audit records of `tables`."""

    def __init__(self, rows: RowKind[R], *, name: str, tables: tuple[str, ...]) -> None:
        self.rows = rows
        self.spec = indexes.register(
            indexes.Spec(
                name=name,
                parts=("records",),
                tables=tables,
                new_part=_new_part,
                live_records=self._live_records,
                changed=self._changed,
            )
        )

    def _live_records(self, session: Session) -> dict[str, list[Record]]:
        return {"records": [self.rows.record(r) for r in self.rows.live(session)]}

    def _changed(
        self, session: Session, table: str, eid: int
    ) -> list[tuple[str, str, Record | None]]:
        rows = self.rows
        return [
            (
                "records",
                f"{rows.kind}:{n}",
                rows.record(r) if r is not None and rows.indexed(r) else None,
            )
            for n, r in rows.touched(session, table, eid).items()
        ]

    def find(
        self, session: Session, ask: Ask, *, visible: Callable[[R], bool], k: int | None = None
    ) -> list[Found]:
        """The asked query's best `ask.k` rows that are `visible`, out of the index's best `k`
        (more than `ask.k` where some hits may be hidden)."""
        rows = self.rows
        hits = search_records(session, self.spec, ask, k=k or ask.k)
        by_id = {r.id: r for r in rows.by_ids(session, [n for n, _hit in hits])}
        found = []
        for n, hit in hits:
            row = by_id.get(n)
            if row is None or not visible(row):
                continue
            shown = rows.shown(row)
            found.append(
                found_of(
                    hit,
                    rows.record(row),
                    kind=rows.kind,
                    id=n,
                    path=shown.path,
                    title=shown.title,
                    title_en=shown.title_en,
                    detail=shown.detail,
                )
            )
        return found[: ask.k]
