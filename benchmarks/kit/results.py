"""Results as JSON: printed, and written to the file a script's `--json` names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_json(path: Path, data: Any, *, indent: int = 1, ensure_ascii: bool = True) -> str:
    """Write `data` to `path` (UTF-8, a newline at the end); returns the text written."""
    text = json.dumps(data, indent=indent, ensure_ascii=ensure_ascii)
    path.write_text(text + "\n", encoding="utf-8")
    return text
