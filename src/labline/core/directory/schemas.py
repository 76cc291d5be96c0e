"""What a directory search answers: one record, built by the service and sent as is by the
API, the page and the command."""

from __future__ import annotations

from labline.schemas import Output


class SearchHitRead(Output):
    type: str
    id: int
    name_zh: str
    name_en: str
    kind: str
    region_code: str | None
    industry_code: str | None
    organisation_id: int
    organisation_zh: str
    organisation_en: str
    score: float
    lexical: float
    bridge: float
    semantic: float
    matched_terms: list[str]
    matched_fields: list[str]
