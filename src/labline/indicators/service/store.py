"""Storing panels: every row checked, all or nothing, one audit record per import."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, tuple_
from sqlalchemy.orm import Session

from labline.core import audit
from labline.core.access import Actor, Permission, require
from labline.errors import FieldError, ImportRejected, InvalidInput, RowError
from labline.indicators import regions
from labline.indicators.models import IndicatorImport, IndicatorObservation
from labline.indicators.schemas import ImportRead
from labline.tabular import read_rows

# Column names accepted for each field, in the order they are tried.
ALIASES = {
    "indicator_code": ("indicator_code", "indicator", "variables", "variable", "code"),
    "region": ("region", "region_code", "province", "country", "countrycode"),
    "year": ("year",),
    "value": ("value",),
    "unit": ("unit", "units"),
    "source": ("source",),
}
MAX_ROWS = 500_000


def _pick(raw: dict[str, Any], name: str) -> Any:
    for alias in ALIASES[name]:
        if alias in raw and raw[alias] not in (None, ""):
            return raw[alias]
    return None


def check_rows(
    raw_rows: Iterable[dict[str, Any]], *, first_row: int = 2
) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Validate long-format rows; return clean rows and every problem, row by row."""
    good: list[dict[str, Any]] = []
    bad: list[RowError] = []
    seen: dict[tuple[str, str, int], int] = {}
    units: dict[str, tuple[str, int]] = {}
    for i, raw in enumerate(raw_rows):
        number, errors = first_row + i, []
        code = str(_pick(raw, "indicator_code") or "").strip()
        if not code or len(code) > 64:
            errors.append(FieldError("indicator_code", "required, at most 64 characters"))
        region_text = str(_pick(raw, "region") or "")
        region = regions.resolve(region_text)
        if region is None:
            errors.append(
                FieldError(
                    "region",
                    f"unknown region '{region_text}'; use a GB/T 2260 code, a province name"
                    " or a country code",
                )
            )
        try:
            year = int(str(_pick(raw, "year")).strip().split(".")[0])
            if not 1800 <= year <= 2200:
                raise ValueError
        except (TypeError, ValueError):
            errors.append(FieldError("year", "a year such as 2023"))
            year = 0
        try:
            value = float(str(_pick(raw, "value")).replace(",", ""))
            if not math.isfinite(value):
                raise ValueError
        except (TypeError, ValueError):
            errors.append(FieldError("value", "a finite number"))
            value = math.nan
        unit = str(_pick(raw, "unit") or "").strip()[:32]
        if code and not errors:
            first_unit = units.setdefault(code, (unit, number))
            if first_unit[0] != unit:
                errors.append(
                    FieldError(
                        "unit",
                        f"'{unit}' differs from '{first_unit[0]}' in row {first_unit[1]} for"
                        f" indicator {code}; convert to one unit first",
                    )
                )
            key = (code, region or "", year)
            if key in seen:
                errors.append(
                    FieldError(
                        "year", f"{code} for {region} in {year} is already given in row {seen[key]}"
                    )
                )
            seen.setdefault(key, number)
        if errors:
            bad.append(RowError(number, errors))
            continue
        good.append(
            {
                "indicator_code": code,
                "region_code": region,
                "year": year,
                "value": value,
                "unit": unit,
                "source": str(_pick(raw, "source") or "")[:300],
            }
        )
    return good, bad


def store_rows(
    session: Session,
    *,
    actor: Actor,
    rows: list[dict[str, Any]],
    filename: str,
    source: str = "",
    first_row: int = 2,
) -> ImportRead:
    require(actor, Permission.import_export)
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"{filename} has {len(rows)} rows; the limit is {MAX_ROWS}.")
    good, bad = check_rows(rows, first_row=first_row)
    if bad:
        raise ImportRejected(bad, total=len(rows))
    if not good:
        raise InvalidInput(
            f"{filename} has no rows to import.", fields=[FieldError("file", "empty")]
        )
    digest = hashlib.sha256(json.dumps(good, sort_keys=True).encode()).hexdigest()
    batch = IndicatorImport(
        filename=filename[:300],
        source=source[:300],
        imported_by_id=actor.person_id,
        rows_read=len(rows),
        rows_stored=len(good),
        sha256=digest,
        report=json.dumps({"refused": 0}),
    )
    session.add(batch)
    session.flush()
    keys = [(r["indicator_code"], r["region_code"], r["year"]) for r in good]
    cols = (
        IndicatorObservation.indicator_code,
        IndicatorObservation.region_code,
        IndicatorObservation.year,
    )
    for i in range(0, len(keys), 500):
        # A newer import of the same indicator, region and year replaces the older value.
        session.execute(delete(IndicatorObservation).where(tuple_(*cols).in_(keys[i : i + 500])))
    for i in range(0, len(good), 5000):
        chunk = [
            {**r, "import_id": batch.id, "source": r["source"] or source}
            for r in good[i : i + 5000]
        ]
        session.execute(insert(IndicatorObservation), chunk)
    audit.record(
        session,
        action="import",
        entity_type="indicator_observations",
        entity_id=str(batch.id),
        after={"rows": len(good), "sha256": digest, "filename": filename},
    )
    years = [r["year"] for r in good]
    return ImportRead(
        import_id=batch.id,
        rows_read=len(rows),
        rows_stored=len(good),
        indicators=sorted({r["indicator_code"] for r in good}),
        regions=sorted({r["region_code"] for r in good}),
        years=(min(years), max(years)),
    )


def import_file(session: Session, *, actor: Actor, path: Path, source: str = "") -> ImportRead:
    require(actor, Permission.import_export)
    rows = read_rows(path)
    first_row = 1 if path.suffix.lower() == ".json" else 2
    return store_rows(
        session, actor=actor, rows=rows, filename=path.name, source=source, first_row=first_row
    )
