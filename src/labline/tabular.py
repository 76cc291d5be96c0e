"""Reading and writing tables of records as CSV, Excel (.xlsx) or JSON, by file suffix."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from labline.errors import FieldError, InvalidInput
from labline.text import cell

FORMATS = (".csv", ".xlsx", ".json")


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(
            f"Cannot read or write {path.name}.",
            fields=[FieldError("file", f"unknown format {suffix or '(none)'}", list(FORMATS))],
        )
    return suffix


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows as dicts with blank cells dropped; row numbers are list index + 2 for CSV/XLSX."""
    fmt = _format(path)
    if fmt == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{path.name} is not valid JSON: {exc}") from exc
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise InvalidInput(f"{path.name}: expected a JSON list of objects.")
        return [{k: v for k, v in r.items() if v not in (None, "")} for r in data]
    if fmt == ".csv":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"{path.name} is not UTF-8 text.") from exc
        reader = csv.DictReader(io.StringIO(text))
        rows = []
        for row in reader:
            row = {k: _unquote(v) if isinstance(v, str) else v for k, v in row.items()}
            if None in row:
                row["__extra__"] = row.pop(None)
            rows.append(
                {k: v.strip() for k, v in row.items() if isinstance(v, str) and v.strip()}
                | ({"__extra__": row["__extra__"]} if "__extra__" in row else {})
            )
        return rows
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise InvalidInput(f"{path.name} is not a readable Excel workbook.") from exc
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(it, ())]
    out = []
    for values in it:
        row = {h: v for h, v in zip(header, values, strict=False) if h and v not in (None, "")}
        out.append({k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()})
    wb.close()
    return out


# A spreadsheet reads a cell starting with one of these as a formula ("=HYPERLINK(...)",
# "+cmd|...", "@SUM(...)"): stored text must never run as one when a user opens the file.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    if hasattr(value, "value") and not isinstance(value, (str, int, float, Decimal)):
        value = value.value  # an enum
    return cell(value if isinstance(value, str) else str(value))


def _cell(value: Any) -> str:
    """A CSV cell: text that could start a formula is quoted with an apostrophe, as
    spreadsheets do themselves (`read_rows` removes it again)."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):  # bool is an int
        return str(value)
    text = _text(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _unquote(value: str) -> str:
    quoted = value[:1] == "'" and len(value) > 1 and value[1] in FORMULA_START
    return value[1:] if quoted else value


def _xlsx_cell(ws: Any, value: Any) -> Any:
    """A typed Excel cell: numbers as numbers, dates as dates, date-times (in UTC) as
    date-times, everything else as text that never runs as a formula."""
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, bool):
        return WriteOnlyCell(ws, value=value)
    if isinstance(value, (int, float, Decimal)):
        if isinstance(value, float) and not math.isfinite(value):
            return _xlsx_text(ws, str(value))
        return WriteOnlyCell(ws, value=value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:  # Excel has no time zones: write UTC and say so
            c = WriteOnlyCell(ws, value=value.astimezone(UTC).replace(tzinfo=None))
            c.number_format = 'yyyy-mm-dd hh:mm:ss "UTC"'
            return c
        c = WriteOnlyCell(ws, value=value)
        c.number_format = "yyyy-mm-dd hh:mm:ss"
        return c
    if isinstance(value, date):
        c = WriteOnlyCell(ws, value=value)
        c.number_format = "yyyy-mm-dd"
        return c
    return _xlsx_text(ws, _text(value))


def _xlsx_text(ws: Any, text: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    c = WriteOnlyCell(ws, value=text)
    c.data_type = "s"  # openpyxl would store "=..." as a formula
    return c


def write_rows(path: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> int:
    fmt = _format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".partial")
    n = 0
    if fmt == ".json":
        data = [{c: r.get(c) for c in columns} for r in rows]
        tmp.write_text(
            json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
        n = len(data)
    elif fmt == ".csv":
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
            writer.writeheader()
            for r in rows:
                writer.writerow({c: _cell(r.get(c)) for c in columns})
                n += 1
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(list(columns))
        for r in rows:
            # Records stored before input was checked may hold control characters, which
            # an .xlsx cannot (openpyxl raises IllegalCharacterError): drop them.
            ws.append([_xlsx_cell(ws, r.get(c)) for c in columns])
            n += 1
        wb.save(tmp)
    tmp.replace(path)
    return n
