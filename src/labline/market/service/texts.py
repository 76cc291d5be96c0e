"""Real technology records (JSON lines) imported as achievements.

Three public sets are understood, told apart by their fields (see
../shared/data/texts/README.md):

- NASA technologies offered for licence (`case_number`, `category`, `type`);
- US patent abstracts (`patent_number`, `query_topic`);
- Chinese scientific abstracts (CSL: `keywords`, `discipline`, `category`), or their
  titles with the top-level category only.

Each record's own category is mapped to a GB/T 4754 industry code by
`market/refdata/text_categories.csv` (source, category, industry code, and why that code).
A record whose category has no mapping, or that fails the achievement's own rules, is
rejected with its line number and the field at fault: the import is all or nothing, or
(`skip_rejected`) imports the good rows and reports every rejected one.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from labline.core.access import Actor, require_signed_in
from labline.errors import FieldError, ImportRejected, InvalidInput, NotPermitted, RowError
from labline.market.service import transfer

Source = Literal["nasa", "uspto", "csl"]
MAX_LINES = transfer.MAX_ROWS
# Readiness (TRL) a record of each kind suggests: a licensable NASA patent is a proven
# concept, its software runs, a spinoff is on the market; a granted patent is a method
# shown to work; a paper is research.
NASA_KINDS = {
    "patent": ("invention_patent", 4),
    "software": ("software_copyright", 6),
    "spinoff": ("prototype", 8),
}


@dataclass(frozen=True)
class Mapping:
    industry_code: str
    why: str


@dataclass
class TextImport:
    ids: list[int] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    total: int = 0


@cache
def categories() -> dict[tuple[str, str], Mapping]:
    """(source, category) → the industry code it maps to and why."""
    path = files("labline.market") / "refdata" / "text_categories.csv"
    with path.open(encoding="utf-8") as fh:
        return {
            (r["source"], r["category"]): Mapping(r["industry_code"], r["why"])
            for r in csv.DictReader(fh)
        }


def source_of(row: dict[str, Any]) -> Source | None:
    if "case_number" in row:
        return "nasa"
    if "patent_number" in row:
        return "uspto"
    if "discipline" in row or ("category" in row and "title" in row and "id" in row):
        return "csl"
    return None


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def achievement_values(row: dict[str, Any], organisation_id: int) -> dict[str, Any]:
    """The achievement fields of one record; raises InvalidInput naming the field at fault."""
    source = source_of(row)
    if source is None:
        raise InvalidInput(
            "not a known record",
            fields=[FieldError("row", "expected a NASA, US patent or CSL record")],
        )
    if source == "nasa":
        category = str(row.get("category") or "")
        kind, readiness = NASA_KINDS.get(str(row.get("type")), ("know_how", 5))
        extra = {
            "ip_numbers": _clip(row.get("case_number", ""), 300),
            "owners": _clip(f"NASA {row.get('nasa_center') or ''}", 300),
            "language": "en",
        }
    elif source == "uspto":
        category = str(row.get("query_topic") or "")
        kind, readiness = "invention_patent", 5
        extra = {
            "ip_status": "granted",
            "ip_numbers": f"US {row.get('patent_number', '')}",
            "language": "en",
        }
    else:
        category = str(row.get("discipline") or row.get("category") or "")
        kind, readiness = "paper", 3
        extra = {"language": "zh"}
    mapped = categories().get((source, category))
    if mapped is None:
        raise InvalidInput(
            f"no industry mapping for {source} category {category!r}",
            fields=[FieldError("category", f"no industry code for {category!r}")],
        )
    summary = str(row.get("abstract") or "")
    if source == "csl" and row.get("keywords"):
        summary = f"{summary} 关键词：{'；'.join(str(k) for k in row['keywords'])}"
    return {
        "organisation_id": organisation_id,
        "kind": kind,
        "title": _clip(row.get("title", ""), 200),
        "summary": _clip(summary, 5000),
        "field": _clip(category, 200),
        "industry_code": mapped.industry_code,
        "readiness": readiness,
        **extra,
    }


def read_lines(source: Path) -> list[tuple[int, dict[str, Any] | None, str]]:
    """(line number, record or None, problem) for every non-blank line."""
    out: list[tuple[int, dict[str, Any] | None, str]] = []
    with source.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                out.append((number, None, f"not JSON: {exc.msg}"))
                continue
            if not isinstance(value, dict):
                out.append((number, None, "not a JSON object"))
                continue
            out.append((number, value, ""))
    return out


def import_texts(
    session: Any,
    *,
    actor: Actor,
    source: Path,
    organisation_id: int,
    publish: bool = False,
    skip_rejected: bool = False,
    limit: int | None = None,
) -> TextImport:
    """Import a JSON-lines file of real records as achievements of one organisation."""
    require_signed_in(actor)
    if publish and not actor.is_operator:
        raise NotPermitted("Only a platform operator can publish records as they are imported.")
    lines = read_lines(source)[:limit] if limit else read_lines(source)
    if not lines:
        raise InvalidInput(f"{source.name} has no records.", fields=[FieldError("file", "empty")])
    if len(lines) > MAX_LINES:
        raise InvalidInput(f"{source.name} has {len(lines)} records; the limit is {MAX_LINES}.")
    result = TextImport(total=len(lines))
    mapped: list[tuple[int, dict[str, Any]]] = []
    for number, row, problem in lines:
        if row is None:
            result.rejected.append(RowError(number, [FieldError("row", problem)]))
            continue
        try:
            mapped.append((number, achievement_values(row, organisation_id)))
        except InvalidInput as exc:
            result.rejected.append(RowError(number, list(exc.fields)))
    good, bad = transfer.validate_rows(
        session, actor, "achievement", [values for _n, values in mapped], first=0
    )
    numbers = [n for n, _v in mapped]
    result.rejected += [RowError(numbers[e.row], e.errors) for e in bad]
    result.rejected.sort(key=lambda r: r.row)
    if result.rejected and not skip_rejected:
        raise ImportRejected(result.rejected, total=len(lines))
    result.ids = transfer.create_records(session, actor, "achievement", good, publish=publish)
    return result
