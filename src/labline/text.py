"""What text labline accepts, and how stored text is made safe to export.

Framework-free: the Pydantic types in `labline.schemas` call these checks, and the
table writer (`labline.tabular`) calls `cell()`. The messages are catalogue entries
(translated where they are shown).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from labline.i18n import N_

# C0 controls except tab, line feed and carriage return; DEL; C1 controls. None of them
# is text, and some break exports (openpyxl refuses them) or terminals (ESC sequences).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters that break a line (or a cell) in a one-line field such as a name.
LINE_BREAK = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")
# Bidirectional embeddings, overrides, isolates and marks: they reorder what a reader sees
# ("exe.txt" shown as "txt.exe"), and nothing on the platform needs them.
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Date-times are ISO 8601 strings; a bare number would be read as Unix seconds.
ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$", re.I
)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

NUL_MESSAGE = N_("contains a NUL character (U+0000), which is not allowed")
CONTROL_MESSAGE = N_(
    "contains a control character (U+0001–U+001F, U+007F–U+009F), which is not allowed;"
    " only tab and line breaks, and only in multi-line text"
)
BIDI_MESSAGE = N_(
    "contains a bidirectional control character (U+202A–U+202E, U+2066–U+2069, U+200E,"
    " U+200F or U+061C), which is not allowed"
)
ONE_LINE_MESSAGE = N_("must be a single line: tabs and line breaks are not allowed")
URL_MESSAGE = N_("must be a web address starting with http:// or https://")
DATETIME_MESSAGE = N_(
    "must be an ISO 8601 date and time such as 2027-03-01T09:00:00+08:00; a number is not accepted"
)
DATE_MESSAGE = N_("must be an ISO 8601 date such as 2027-03-01; a number is not accepted")
RANGE_MESSAGE = N_("is outside the range of dates accepted here")


def problem(value: str) -> str | None:
    """Why this text is refused in any field, or None."""
    if "\x00" in value:
        return NUL_MESSAGE
    if CONTROL.search(value):
        return CONTROL_MESSAGE
    if BIDI.search(value):
        return BIDI_MESSAGE
    return None


def one_line_problem(value: str) -> str | None:
    """Why this text is refused in a one-line field (a name, a title), or None."""
    return problem(value) or (ONE_LINE_MESSAGE if LINE_BREAK.search(value) else None)


def is_web_address(value: str) -> bool:
    """An absolute http(s) address with a host: never javascript:, data: or a bare path."""
    if any(c.isspace() for c in value) or CONTROL.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def cell(value: str) -> str:
    """Text safe for any export format: control characters (which Excel files cannot
    hold) and bidirectional controls are dropped; tab and line breaks are kept."""
    return BIDI.sub("", CONTROL.sub("", value))


LIKE_ESCAPE = "\\"


def like_contains(text: str) -> str:
    """A SQL LIKE pattern for values holding `text` as typed (its % and _ are not wildcards);
    use it with `escape=LIKE_ESCAPE`."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
