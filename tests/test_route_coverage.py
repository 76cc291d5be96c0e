"""Every route of the app has a row in some module's permission matrix, and vice versa."""

from __future__ import annotations

import importlib
from pathlib import Path

from tests.permissions import app_routes


def all_rows() -> set[tuple[str, str]]:
    rows: set[tuple[str, str]] = set()
    for path in sorted(Path(__file__).parent.glob("*/test_permissions.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.test_permissions")
        rows |= {(method, path.split("?")[0]) for method, path in module.MATRIX}
    return rows


def test_every_route_has_a_row_and_every_row_a_route():
    routes, rows = app_routes(), all_rows()
    assert routes - rows == set(), "routes without a permission row"
    assert rows - routes == set(), "rows for routes that no longer exist"
