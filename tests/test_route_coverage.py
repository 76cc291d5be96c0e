"""Every route of the app has a row in some module's permission matrix, and vice versa."""

from __future__ import annotations

import importlib
from pathlib import Path

from tests.permissions import app_routes


def all_rows() -> set[tuple[str, str]]:
    rows: set[tuple[str, str]] = set()
    for path in sorted(Path(__file__).parent.glob("*/test_permissions.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.test_permissions")
        # A matrix may name specific records ({pending_id}); `declared` maps them back.
        declared = getattr(module, "declared", lambda r: (r[0], r[1].split("?")[0]))
        rows |= {declared(route) for route in module.MATRIX}
    return rows


def test_every_route_has_a_row_and_every_row_a_route():
    routes, rows = app_routes(), all_rows()
    assert routes - rows == set(), "routes without a permission row"
    assert rows - routes == set(), "rows for routes that no longer exist"
