"""What reading a file gives, whatever its format: a `Parsed` document (or a `Rejected`
file, with the reason), the text helpers every reader uses, and `checked`, the rules every
read document passes before it is kept. No database here."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from labline.errors import InvalidInput
from labline.intel.documents.dates import parse_date

MAX_PARAGRAPH_CHARS = 100_000
MAX_PARAGRAPHS = 20_000
DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}[〔\[［（(]\s*(?:19|20)\d{2}\s*[〕\]］）)]\s*\d{1,4}\s*号"
)
_INVISIBLE = " \t\u200b\u200c\u200d\u2060\ufeff\u3000"
_TERMINAL = tuple('。！？；：.!?;:”"’）)」』')


class Rejected(InvalidInput):
    """A file (or feed) that cannot be imported, with the reason."""

    code = "document_rejected"

    def __init__(self, file: str, reason: str, message: str) -> None:
        super().__init__(f"{file}: {message}", file=file, reason=reason)
        self.file = file
        self.reason = reason


@dataclass
class Parsed:
    title: str
    paragraphs: list[str]
    doc_type: str
    sha256: str
    language: str = ""
    source: str = ""
    issued_on: date | None = None
    date_precision: str = "day"  # day | month | year (dates.py)
    url: str = ""
    doc_number: str = ""
    pages: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_LATIN_CHAR = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    # Counted by regular expressions (a loop in C): a per-character Python loop was a
    # noticeable share of a bulk import's time.
    sample = text[:5000]
    cjk = len(_CJK_CHAR.findall(sample))
    latin = len(_LATIN_CHAR.findall(sample))
    return "zh" if cjk * 2 >= latin and cjk > 0 else "en"


def find_doc_number(paragraphs: list[str]) -> str:
    # Only the head of the document: later paragraphs cite other documents' numbers.
    for text in paragraphs[:8]:
        m = DOC_NUMBER.search(text)
        if m:
            return re.sub(r"\s+", "", m.group(0))
    return ""


def paragraphs_of(text: str) -> list[str]:
    """Paragraphs as the source has them: a line is one, except that hard-wrapped lines
    (long, not ending a sentence) are joined with the next."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        current = ""
        for line in lines:
            if current:
                cjk = "\u3400" <= current[-1] <= "\u9fff" or "\u3400" <= line[0] <= "\u9fff"
                current += line if cjk else " " + line
            else:
                current = line
            if current.endswith(_TERMINAL) or len(line) < 40:
                out.append(current)
                current = ""
        if current:
            out.append(current)
    return out


def decode_text(data: bytes, name: str) -> str:
    """UTF-8, UTF-16 (with its mark), GB18030 or Big5; anything else is refused by name."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise Rejected(
                name, "encoding", "not valid UTF-16 despite its byte-order mark"
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(
        data[:200_000], cp_isolation=["gb18030", "big5", "utf_16_le", "utf_16_be"]
    ).best()
    if best is None or best.chaos > 0.2:
        raise Rejected(
            name,
            "encoding",
            "the text is not in one readable encoding (tried UTF-8, UTF-16, GB18030, Big5);"
            " save it as UTF-8",
        )
    try:
        return data.decode(best.encoding)
    except UnicodeDecodeError:
        raise Rejected(
            name, "encoding", f"mixed encodings: parts are not valid {best.encoding}"
        ) from None


def checked(parsed: Parsed, name: str) -> Parsed:
    """The rules every read document passes (some text, not too many or too long
    paragraphs), and what it says of itself filled in: title, language, 文号, date."""
    paragraphs = [p for p in (x.strip() for x in parsed.paragraphs) if p.strip(_INVISIBLE)]
    if not paragraphs:
        raise Rejected(name, "empty", "the document has no text")
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise Rejected(
            name, "too_many_paragraphs", f"{len(paragraphs)} paragraphs; at most {MAX_PARAGRAPHS}"
        )
    for n, text in enumerate(paragraphs, 1):
        if len(text) > MAX_PARAGRAPH_CHARS:
            raise Rejected(
                name,
                "paragraph_too_long",
                f"paragraph {n} has {len(text):,} characters; at most {MAX_PARAGRAPH_CHARS:,}"
                " (is it one block without line breaks?)",
            )
    parsed.paragraphs = paragraphs
    parsed.title = (parsed.title or paragraphs[0])[:500].strip()
    parsed.language = parsed.language or detect_language(" ".join(paragraphs[:50]))
    parsed.doc_number = parsed.doc_number or find_doc_number([parsed.title, *paragraphs])
    if parsed.issued_on is None and parsed.language == "zh":
        # Chinese official documents end with the issuing date (2024年3月5日), or state the
        # date of adoption under the title: （2021年3月11日…通过）.
        for text in [*reversed(paragraphs[-6:]), *paragraphs[:5]]:
            if len(text) <= 40 and (d := parse_date(text)):
                parsed.issued_on = d
                break
    return parsed
