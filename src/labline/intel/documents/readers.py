"""Reading one file into documents: main text as numbered paragraphs plus what the source
says about itself (title, issuer, date, URL, 文号), a reader for each format (HTML, PDF,
DOCX, text and Markdown, JSON Lines, RSS and Atom). No database here. What every reader
gives (`Parsed`, `Rejected`) and the checks it passes are in labline.intel.documents.parsed,
imported here as well.

Every problem is a `Rejected` naming the file and saying what is wrong, so a bulk import
can report each rejected file with its reason and go on.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

from labline.intel.documents import pdf_limits
from labline.intel.documents.dates import parse_date, parse_when, when_of
from labline.intel.documents.parsed import (
    Parsed,
    Rejected,
    decode_text,
    paragraphs_of,
    sha256_of,
)
from labline.intel.documents.parsed import checked as _checked
from labline.intel.documents.parsed import find_doc_number as find_doc_number

MAX_FILE_BYTES = 64 * 1024 * 1024  # checked before reading: a 1 GB file or a zip bomb stops here
# A DOCX is a zip: what its members would unpack to is checked (from the zip's directory)
# before anything is unpacked, so a zip bomb is refused without inflating it.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
# A PDF's streams are compressed (FlateDecode and others): a small file can inflate to
# gigabytes. pypdf stops any one stream at MAX_PDF_STREAM_BYTES (its own limits, set per
# read), and the pages' contents together are stopped at MAX_UNPACKED_BYTES.
MAX_PDF_STREAM_BYTES = 32 * 1024 * 1024
SUFFIXES = {
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".jsonl": "jsonl",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}


def read_text(data: bytes, name: str, *, markdown: bool = False) -> Parsed:
    text = decode_text(data, name)
    title = ""
    if markdown:
        lines = []
        for line in text.split("\n"):
            m = re.match(r"^\s{0,3}#{1,6}\s+(.*)$", line)
            if m and not title:
                title = m.group(1).strip()
            lines.append(m.group(1) if m else line)
        text = "\n".join(lines)
    kind = "markdown" if markdown else "text"
    return _checked(Parsed(title, paragraphs_of(text), kind, sha256_of(data)), name)


def read_html(data: bytes, name: str, *, url: str = "") -> Parsed:
    import trafilatura

    found = trafilatura.bare_extraction(
        data, url=url or None, with_metadata=True, include_comments=False, include_tables=True
    )
    text = getattr(found, "text", None) if found is not None else None
    if not text or not text.strip() or _only_links(data, text):
        raise Rejected(name, "no_main_text", "the page has no main text (only navigation or none)")
    parsed = Parsed(
        getattr(found, "title", "") or "",
        paragraphs_of(text),
        "html",
        sha256_of(data),
        source=getattr(found, "sitename", "") or "",
        issued_on=parse_date(getattr(found, "date", None)),
        url=url or getattr(found, "url", "") or "",
    )
    return _checked(parsed, name)


def _only_links(data: bytes, text: str) -> bool:
    """True when every line the extractor kept is the text of a link (a menu, not content)."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(data)
    except (ValueError, lxml.etree.ParserError):
        return False
    anchors = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    return all(line in anchors for line in lines)


def _pdf_bomb(name: str, what: str) -> Rejected:
    return Rejected(
        name,
        "compression_bomb",
        f"{what}; the limit is {MAX_PDF_STREAM_BYTES:,} bytes a stream and"
        f" {MAX_UNPACKED_BYTES:,} bytes in all (not unpacked further)",
    )


def read_pdf(data: bytes, name: str) -> Parsed:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError, PdfReadError

    try:
        with apply_configuration(**pdf_limits.per_stream(MAX_PDF_STREAM_BYTES)):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise Rejected(name, "encrypted", "the PDF is encrypted with a password")
            pages = pdf_limits.page_texts(reader, MAX_UNPACKED_BYTES)
            info = reader.metadata
    except Rejected:
        raise
    except pdf_limits.Inflated as exc:
        raise _pdf_bomb(name, str(exc)) from None
    except LimitReachedError as exc:
        raise _pdf_bomb(name, f"a compressed stream inflates too far ({exc})") from None
    except Exception as exc:  # pypdf raises many kinds on broken files
        if isinstance(exc, PdfReadError) and "decrypt" in str(exc).lower():
            raise Rejected(name, "encrypted", "the PDF is encrypted") from None
        raise Rejected(name, "corrupt", f"not a readable PDF ({type(exc).__name__})") from None
    chars = sum(len(p.strip()) for p in pages)
    if pages and chars < 20 * len(pages):
        raise Rejected(
            name,
            "no_text_layer",
            f"{len(pages)} page(s) but almost no text: a scanned PDF without a text layer"
            " (OCR is not supported)",
        )
    title = str(info.get("/Title") or "").strip() if info is not None else ""
    parsed = Parsed(title, paragraphs_of("\n".join(pages)), "pdf", sha256_of(data))
    parsed.pages = len(pages)
    return _checked(parsed, name)


def _check_unpacked_size(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(max(0, i.file_size) for i in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Rejected(
            name, "corrupt", f"not a readable DOCX file ({type(exc).__name__})"
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise Rejected(
            name,
            "zip_bomb",
            f"its parts would unpack to {unpacked:,} bytes from {len(data):,}; the limit is"
            f" {MAX_UNPACKED_BYTES:,} bytes (not unpacked)",
        )


def read_docx(data: bytes, name: str) -> Parsed:
    import docx

    _check_unpacked_size(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # a zip that is not a Word document, or a broken one
        raise Rejected(
            name, "corrupt", f"not a readable DOCX file ({type(exc).__name__})"
        ) from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append(" | ".join(c.text.strip() for c in row.cells))
    props = document.core_properties
    parsed = Parsed(
        (props.title or "").strip(),
        paragraphs,
        "docx",
        sha256_of(data),
        source=(props.author or "").strip(),
        issued_on=props.created.date() if props.created else None,
    )
    return _checked(parsed, name)


def read_jsonl(data: bytes, name: str) -> list[Parsed]:
    """One document per line with `title`, `text` and optionally `date` (a day, a month or
    a year), `year` (when there is no date: a document dated only by its year), `source`
    (or `issuer`/`office`), `url`, `doc_number`, `language`. Any bad line rejects the file."""
    text = decode_text(data, name)
    out: list[Parsed] = []
    problems: list[str] = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            problems.append(f"line {n}: not a JSON object ({exc})")
            continue
        if not str(entry.get("text") or "").strip():
            problems.append(f"line {n}: no text")
            continue
        when = when_of(entry.get("date"))
        year = parse_when(entry.get("year"))
        if entry.get("year") not in (None, "") and (year is None or year[1] != "year"):
            problems.append(f"line {n}: year {entry['year']!r} is not a year (YYYY)")
            continue
        try:
            parsed = _checked(
                Parsed(
                    str(entry.get("title") or ""),
                    paragraphs_of(str(entry["text"])),
                    "jsonl",
                    sha256_of(line.strip().encode()),
                    language=str(entry.get("language") or ""),
                    source=str(
                        entry.get("source") or entry.get("issuer") or entry.get("office") or ""
                    ),
                    issued_on=when[0] if when else None,
                    date_precision=when[1] if when else "day",
                    url=str(entry.get("url") or ""),
                    doc_number=str(entry.get("doc_number") or ""),
                ),
                f"{name} line {n}",
            )
        except Rejected as exc:
            problems.append(f"line {n}: {exc.message.split(': ', 1)[-1]}")
            continue
        if when is None and year is not None:
            # Only the year is given (a Government Work Report): the day the text itself
            # names is kept when it lies in that year, else the year is the date.
            found = parsed.issued_on
            if found is None or found.year != year[0].year:
                parsed.issued_on, parsed.date_precision = year
        out.append(parsed)
    if problems:
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        raise Rejected(name, "bad_lines", f"{len(problems)} bad line(s), nothing imported: {shown}")
    if not out:
        raise Rejected(name, "empty", "the file has no entries")
    return out


# --- RSS and Atom ---------------------------------------------------------------------------

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


SINGLE = frozenset({"html", "pdf", "docx", "text", "markdown"})  # one document per file


def read_file(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> list[Parsed]:
    data, kind = read_checked(path, max_bytes=max_bytes)
    return read_bytes(data, str(path), kind)


def read_checked(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> tuple[bytes, str]:
    """The file's bytes and kind, after its type and size are checked (before reading)."""
    name = str(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        allowed = ", ".join(sorted(SUFFIXES))
        raise Rejected(name, "unsupported", f"unsupported file type; allowed: {allowed}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Rejected(name, "unreadable", f"cannot read the file ({exc.strerror})") from None
    if size > max_bytes:
        raise Rejected(
            name, "too_large", f"{size:,} bytes; the limit is {max_bytes:,} bytes (not read)"
        )
    if size == 0:
        raise Rejected(name, "empty", "the file is empty")
    try:
        return path.read_bytes(), kind
    except OSError as exc:
        raise Rejected(name, "unreadable", f"cannot read the file ({exc.strerror})") from None


def read_bytes(data: bytes, name: str, kind: str) -> list[Parsed]:
    if kind == "jsonl":
        return read_jsonl(data, name)
    if kind == "feed":
        return read_feed(data, name)
    readers = {
        "html": read_html,
        "pdf": read_pdf,
        "docx": read_docx,
        "text": read_text,
        "markdown": lambda d, n: read_text(d, n, markdown=True),
    }
    return [readers[kind](data, name)]
