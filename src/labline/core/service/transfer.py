"""Bulk import and export of organisations: validated row by row, all or nothing."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.access import Actor, Permission, require
from labline.core.models import Organisation
from labline.core.schemas import OrganisationCreate
from labline.errors import FieldError, ImportRejected, InvalidInput, RowError, validation_fields
from labline.tabular import read_rows, write_rows

COLUMNS = [
    "id",
    "name_zh",
    "name_en",
    "kind",
    "country",
    "region_code",
    "industry_code",
    "size",
    "credit_code",
    "website",
    "description",
]
MAX_ROWS = 200_000


def _errors(exc: ValidationError) -> list[FieldError]:
    return validation_fields(list(exc.errors()))


def validate_rows(
    rows: list[dict[str, Any]], *, first_row: int
) -> tuple[list[tuple[int, OrganisationCreate]], list[RowError]]:
    good: list[tuple[int, OrganisationCreate]] = []
    bad: list[RowError] = []
    seen_credit: dict[str, int] = {}
    for i, raw in enumerate(rows):
        number = i + first_row
        raw = {k: (str(v) if not isinstance(v, str) else v) for k, v in raw.items() if k != "id"}
        if "__extra__" in raw:
            bad.append(RowError(number, [FieldError("row", "more cells than header columns")]))
            continue
        try:
            item = OrganisationCreate.model_validate(raw)
        except ValidationError as exc:
            bad.append(RowError(number, _errors(exc)))
            continue
        if item.credit_code:
            if item.credit_code in seen_credit:
                bad.append(
                    RowError(
                        number,
                        [FieldError("credit_code", f"repeats row {seen_credit[item.credit_code]}")],
                    )
                )
                continue
            seen_credit[item.credit_code] = number
        good.append((number, item))
    return good, bad


def import_organisations(
    session: Session,
    *,
    actor: Actor,
    source: Path,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    require(actor, Permission.manage_organisations)
    rows = read_rows(source)
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"{source.name} has {len(rows)} rows; the limit is {MAX_ROWS}.")
    first_row = 1 if source.suffix.lower() == ".json" else 2
    good, bad = validate_rows(rows, first_row=first_row)
    codes = [g.credit_code for _n, g in good if g.credit_code]
    taken: set[str | None] = set()
    for i in range(0, len(codes), 500):
        chunk = codes[i : i + 500]
        taken |= set(
            session.scalars(
                select(Organisation.credit_code).where(Organisation.credit_code.in_(chunk))
            )
        )
    for number, g in good:
        if g.credit_code and g.credit_code in taken:
            bad.append(RowError(number, [FieldError("credit_code", "already registered")]))
    if bad:
        raise ImportRejected(sorted(bad, key=lambda r: r.row), total=len(rows))
    for done, (_number, item) in enumerate(good, 1):
        session.add(Organisation(**item.model_dump()))
        if done % 1000 == 0:
            session.flush()
            if progress:
                progress(done, len(good))
    session.flush()
    if progress:
        progress(len(good), len(good))
    return len(good)


def import_upload(session: Session, *, actor: Actor, upload: Any) -> int:
    """Import an uploaded file (web form or API) through the same rules as the command."""
    require(actor, Permission.manage_organisations)
    name = Path(upload.filename or "upload").name
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as fh:
            shutil.copyfileobj(upload.file, fh)
        return import_organisations(session, actor=actor, source=path)


def export_organisations(session: Session, *, actor: Actor, target: Path) -> int:
    require(actor, Permission.import_export)

    def rows() -> Any:
        for org in session.scalars(select(Organisation).order_by(Organisation.id)).yield_per(2000):
            yield {
                c: (v.value if hasattr(v, "value") else v)
                for c in COLUMNS
                for v in [getattr(org, c)]
            }

    return write_rows(target, COLUMNS, rows())
