"""Bulk import and export of needs and achievements (CSV, Excel, JSON).

An import is validated row by row and is all or nothing: one bad row imports nothing and
the report lists every bad row with every problem in it. Imported records start as drafts
(an operator may publish them in the same step). Exports carry the public face only.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.access import Actor, require_signed_in
from labline.core.models import Organisation
from labline.errors import (
    FieldError,
    ImportRejected,
    InvalidInput,
    NotPermitted,
    RowError,
    validation_fields,
)
from labline.market.models import Achievement, State, TechnologyNeed
from labline.market.schemas import AchievementCreate, NeedCreate
from labline.market.service.records import (
    BUYER_KINDS,
    LIVE_STATES,
    PUBLIC_STATES,
    SELLER_KINDS,
    RecordKind,
    modes_text,
    now,
)
from labline.tabular import read_rows, write_rows

MAX_ROWS = 50_000
PUBLIC_COMMON = [
    "id",
    "organisation_id",
    "title",
    "summary",
    "field",
    "industry_code",
    "region_code",
    "modes",
    "language",
    "state",
    "published_at",
]
EXPORT_COLUMNS: dict[str, list[str]] = {
    "need": [*PUBLIC_COMMON, "deadline", "min_readiness"],
    "achievement": [*PUBLIC_COMMON, "kind", "readiness", "ip_status", "owners", "price"],
}
IMPORT_COLUMNS: dict[str, list[str]] = {
    "need": list(NeedCreate.model_fields),
    "achievement": list(AchievementCreate.model_fields),
}


def validate_rows(
    session: Session, actor: Actor, kind: RecordKind, rows: list[dict[str, Any]], first: int
) -> tuple[list[NeedCreate | AchievementCreate], list[RowError]]:
    schema = NeedCreate if kind == "need" else AchievementCreate
    kinds = BUYER_KINDS if kind == "need" else SELLER_KINDS
    org_ids = set()
    for raw in rows:
        try:
            org_ids.add(int(str(raw.get("organisation_id", "0"))))
        except ValueError:
            continue
    orgs = {
        o.id: o
        for o in session.scalars(select(Organisation).where(Organisation.id.in_(org_ids or {0})))
    }
    good: list[NeedCreate | AchievementCreate] = []
    bad: list[RowError] = []
    for i, raw in enumerate(rows):
        number = i + first
        raw = {k: (v if isinstance(v, str) else str(v)) for k, v in raw.items() if k != "id"}
        if "__extra__" in raw:
            bad.append(RowError(number, [FieldError("row", "more cells than header columns")]))
            continue
        try:
            item = schema.model_validate(raw)
        except ValidationError as exc:
            bad.append(RowError(number, validation_fields(list(exc.errors()))))
            continue
        org = orgs.get(item.organisation_id)
        problem = None
        if org is None:
            problem = f"no organisation {item.organisation_id}"
        elif org.kind not in kinds:
            problem = f"a {org.kind} cannot post a {kind}"
        elif not (actor.is_operator or org.id in actor.org_roles):
            problem = "you are not a member of this organisation"
        if problem:
            bad.append(RowError(number, [FieldError("organisation_id", problem)]))
            continue
        good.append(item)
    return good, bad


def import_records(
    session: Session, *, actor: Actor, kind: RecordKind, source: Path, publish: bool = False
) -> list[int]:
    require_signed_in(actor)
    if publish and not actor.is_operator:
        raise NotPermitted("Only a platform operator can publish records as they are imported.")
    rows = read_rows(source)
    if not rows:
        raise InvalidInput(f"{source.name} has no rows.", fields=[FieldError("file", "empty")])
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"{source.name} has {len(rows)} rows; the limit is {MAX_ROWS}.")
    first = 1 if source.suffix.lower() == ".json" else 2
    good, bad = validate_rows(session, actor, kind, rows, first)
    if bad:
        raise ImportRejected(sorted(bad, key=lambda r: r.row), total=len(rows))
    return create_records(session, actor, kind, good, publish=publish)


def create_records(
    session: Session,
    actor: Actor,
    kind: RecordKind,
    good: list[NeedCreate | AchievementCreate],
    *,
    publish: bool,
) -> list[int]:
    """Validated rows as drafts (or published, by an operator), each in its owner's region."""
    regions = {
        o.id: o.region_code
        for o in session.scalars(
            select(Organisation).where(Organisation.id.in_({g.organisation_id for g in good}))
        )
    }
    model = TechnologyNeed if kind == "need" else Achievement
    made = []
    stamp = now()
    for item in good:
        values = item.model_dump()
        values["modes"] = modes_text(item.modes)
        record = model(
            **values,
            region_code=regions.get(item.organisation_id),
            created_by_id=actor.person_id,
            state=State.published if publish else State.draft,
            published_at=stamp if publish else None,
        )
        session.add(record)
        made.append(record)
    session.flush()
    return [r.id for r in made]


def import_upload(
    session: Session, *, actor: Actor, kind: RecordKind, upload: Any, publish: bool = False
) -> list[int]:
    """An uploaded file (web form or API), through the same rules as the command."""
    require_signed_in(actor)
    suffix = Path(Path(upload.filename or "upload").name).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as fh:
            shutil.copyfileobj(upload.file, fh)
        return import_records(session, actor=actor, kind=kind, source=path, publish=publish)


def export_rows(
    session: Session, *, kind: RecordKind, live_only: bool = True
) -> list[dict[str, Any]]:
    """Public columns of the public records: no detail, budget or inventor ever leaves here."""
    model = TechnologyNeed if kind == "need" else Achievement
    states = LIVE_STATES if live_only else PUBLIC_STATES
    out = []
    for r in session.scalars(select(model).where(model.state.in_(states)).order_by(model.id)):
        row = {}
        for c in EXPORT_COLUMNS[kind]:
            v = getattr(r, c)
            row[c] = v.value if hasattr(v, "value") else v
        out.append(row)
    return out


def export_records(session: Session, *, actor: Actor, kind: RecordKind, target: Path) -> int:
    from labline.core.access import Permission, require

    require(actor, Permission.view_directory)
    return write_rows(target, EXPORT_COLUMNS[kind], export_rows(session, kind=kind))
