"""An abstractive digest from an OpenAI-compatible chat server (setting `llm_url`), offered
beside the extractive one and checked point by point by the grounding engine: every point
must cite paragraphs that support it, or it is dropped and counted.

Without `llm_url` nothing here runs and nothing is contacted."""

from __future__ import annotations

import json
import re
from typing import Any

from labline.config import Settings
from labline.errors import Conflict, FieldError, InvalidInput, Unavailable
from labline.intel.digests.schemas import (
    AbstractiveDigestRead,
    DroppedRead,
    GroupRead,
    PointRead,
)
from labline.intel.documents.models import Document
from labline.intel.engine import grounding

MAX_PROMPT_CHARS = 12_000  # paragraphs beyond this are left out of the prompt (and uncitable)
LANGUAGES = {"zh": "Chinese (简体中文)", "en": "English"}
INSTRUCTIONS = """You write a digest of the document below, whose paragraphs are numbered [n].
Answer with one JSON object only, no other text:
{{"core_viewpoint": {{"text": "...", "citations": [n, ...]}},
 "groups": [{{"heading": "a short phrase", "points": [{{"text": "...", "citations": [n, ...]}}]}}]}}
Rules: write in {language}; 2 to 5 groups in the order of the document, 1 to 4 points each;
every point states only what its cited paragraphs say and cites them by number; keep every
number exactly as the paragraphs give it."""


def enabled(settings: Settings) -> bool:
    return bool(settings.llm_url)


def _endpoint(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else f"{url}/chat/completions"


def prompt(doc: Document, language: str) -> list[dict[str, str]]:
    lines: list[str] = []
    size = 0
    for p in doc.paragraphs:
        line = f"[{p.n}] {p.text}"
        if size + len(line) > MAX_PROMPT_CHARS and lines:
            break
        lines.append(line)
        size += len(line)
    return [
        {"role": "system", "content": INSTRUCTIONS.format(language=LANGUAGES[language])},
        {"role": "user", "content": f"Title: {doc.title}\n\n" + "\n".join(lines)},
    ]


def ask(settings: Settings, messages: list[dict[str, str]]) -> str:
    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
    body = {"model": settings.llm_model, "messages": messages, "temperature": 0}
    import httpx  # only where a model server is set: httpx costs every process 0.3-1 s

    try:
        r = httpx.post(
            _endpoint(settings.llm_url or ""),
            json=body,
            headers=headers,
            timeout=settings.llm_timeout_s,
        )
        r.raise_for_status()
        return str(r.json()["choices"][0]["message"]["content"])
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise Unavailable(f"The language model did not answer usably: {exc}") from None


def parse(answer: str) -> dict[str, Any]:
    """The JSON object in the model's answer (a ```json fence or text around it allowed)."""
    start, end = answer.find("{"), answer.rfind("}")
    try:
        found = json.loads(answer[start : end + 1]) if start >= 0 else None
    except json.JSONDecodeError:
        found = None
    if not isinstance(found, dict):
        raise Unavailable("The language model's answer is not a digest (no JSON object).")
    return found


def _citations(value: Any) -> list[int]:
    if not isinstance(value, list):
        return []
    return [int(v) for v in value if isinstance(v, int | str) and re.fullmatch(r"\d{1,4}", str(v))]


def checked_digest(
    found: dict[str, Any], paragraphs: list[str], *, model: str, language: str
) -> AbstractiveDigestRead:
    """The model's points that their cited paragraphs support; the rest counted as dropped."""
    dropped: list[DroppedRead] = []

    def keep(point: Any) -> PointRead | None:
        if not isinstance(point, dict):
            point = {"text": str(point)}
        result = grounding.check(
            str(point.get("text", "")), _citations(point.get("citations")), paragraphs
        )
        if result.kept:
            return PointRead(text=result.text, citations=list(result.citations))
        dropped.append(
            DroppedRead(
                text=result.text,
                citations=list(result.citations),
                support=result.support,
                reason=result.reason,
                detail=result.detail,
            )
        )
        return None

    core = keep(found.get("core_viewpoint") or {})
    groups = []
    raw_groups = found.get("groups")
    for g in raw_groups if isinstance(raw_groups, list) else []:
        if not isinstance(g, dict):
            continue
        points = [p for p in (keep(x) for x in g.get("points") or []) if p is not None]
        if points:
            groups.append(GroupRead(heading=str(g.get("heading", ""))[:80], points=points))
    kept = (core is not None) + sum(len(g.points) for g in groups)
    return AbstractiveDigestRead(
        model=model,
        language=language,
        core_viewpoint=core,
        groups=groups,
        kept=kept,
        dropped=len(dropped),
        dropped_points=dropped,
    )


def abstractive_digest(
    doc: Document, *, settings: Settings, language: str | None = None
) -> AbstractiveDigestRead:
    """Ask the configured model for a digest of a document (already read with permission)."""
    if not enabled(settings):
        raise Conflict("No language model is configured (set LABLINE_LLM_URL).")
    language = language or doc.language or "zh"
    if language not in LANGUAGES:
        raise InvalidInput(
            "Unknown language", fields=[FieldError("lang", "unknown", list(LANGUAGES))]
        )
    answer = ask(settings, prompt(doc, language))
    paragraphs = [p.text for p in doc.paragraphs]
    return checked_digest(parse(answer), paragraphs, model=settings.llm_model, language=language)
