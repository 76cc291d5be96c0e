"""Tables as downloads: CSV, Excel or JSON, written by `labline.tabular` (the same writer
the command line uses)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from fastapi.responses import Response

from labline.tabular import write_rows

EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {"csv": "text/csv; charset=utf-8", "xlsx": EXCEL, "json": "application/json"}
FORMATS = "^(csv|xlsx|json)$"


def table_download(
    name: str, columns: Sequence[str], rows: Iterable[dict[str, Any]], fmt: str
) -> Response:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / f"{name}.{fmt}"
        write_rows(target, columns, rows)
        content = target.read_bytes()
    if fmt == "csv":
        content = b"\xef\xbb\xbf" + content  # a BOM, so Excel opens Chinese CSV as UTF-8
    return Response(
        content,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )
