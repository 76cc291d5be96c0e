from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "data"


@pytest.fixture
def shared_data() -> Path:
    """The full public data folder; tests needing it skip with a reason when absent."""
    path = Path(os.environ.get("LABLINE_INDICATOR_DATA", "/work/shared/data/indicators"))
    if not (path / "pwt1001_growth.csv").exists():
        pytest.skip(f"full indicator data not found in {path} (set LABLINE_INDICATOR_DATA)")
    return path


@pytest.fixture
def extract_dir() -> Path:
    return HERE
