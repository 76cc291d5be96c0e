"""RSS and Atom: fetching a feed (with a time limit) and reading its entries as documents."""

from __future__ import annotations

import html
import re
from datetime import date

from labline.intel.documents.readers import (
    MAX_FILE_BYTES,
    Parsed,
    Rejected,
    _checked,
    paragraphs_of,
    sha256_of,
)

_BLOCK = re.compile(r"(?i)</?(p|div|br|li|h[1-6]|tr|section|article|blockquote)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")


def html_fragment_text(fragment: str) -> str:
    """Text of a feed entry's HTML: block elements become line breaks, tags go."""
    text = _BLOCK.sub("\n", fragment)
    return html.unescape(_TAG.sub("", text))


def read_feed(data: bytes, name: str) -> list[Parsed]:
    import feedparser

    head = data[:500].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise Rejected(name, "not_a_feed", "the address returned an HTML page, not RSS or Atom")
    feed = feedparser.parse(data)
    if not feed.entries:
        problem = getattr(feed, "bozo_exception", None)
        why = f" ({type(problem).__name__})" if problem else ""
        raise Rejected(name, "not_a_feed", f"no RSS or Atom entries could be read{why}")
    source = str(feed.feed.get("title") or "")
    out: list[Parsed] = []
    for entry in feed.entries:
        body = ""
        if entry.get("content"):
            body = "\n".join(str(c.get("value") or "") for c in entry.content)
        body = body or str(entry.get("summary") or entry.get("description") or "")
        text = html_fragment_text(body)
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        link = str(entry.get("link") or "")
        key = f"{link}\n{entry.get('title', '')}\n{text}".encode()
        parsed = Parsed(
            html.unescape(str(entry.get("title") or "")),
            paragraphs_of(text),
            "feed",
            sha256_of(key),
            source=source,
            issued_on=date(stamp[0], stamp[1], stamp[2]) if stamp else None,
            url=link,
        )
        try:
            out.append(_checked(parsed, f"{name} entry {link or parsed.title}"))
        except Rejected:
            continue  # an entry without text (a bare link) is not a document
    if not out:
        raise Rejected(name, "empty", "the feed's entries carry no text")
    return out


def fetch_feed(url: str, *, timeout: float = 20.0) -> bytes:
    import httpx

    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise Rejected(url, "http_error", f"the server answered {response.status_code}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise Rejected(url, "too_large", f"more than {MAX_FILE_BYTES:,} bytes")
                chunks.append(chunk)
    except httpx.TimeoutException:
        raise Rejected(url, "timeout", f"no answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise Rejected(url, "unreachable", f"cannot fetch ({type(exc).__name__})") from None
    return b"".join(chunks)
