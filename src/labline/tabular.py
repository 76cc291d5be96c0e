"""Reading and writing tables of records as CSV, Excel (.xlsx) or JSON, by file suffix."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return cell(value if isinstance(value, str) else str(value))


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
            ws.append([None if r.get(c) is None else _cell(r.get(c)) for c in columns])
            n += 1
        wb.save(tmp)
    tmp.replace(path)
    return n
