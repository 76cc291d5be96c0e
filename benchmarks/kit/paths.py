"""Where the repository and the shared real texts are."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
TEXTS = Path(os.environ.get("LABLINE_TEXTS", "/work/shared/data/texts"))
