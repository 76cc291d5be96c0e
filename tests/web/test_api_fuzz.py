"""API fuzz: schemathesis against labline's own OpenAPI document, in process (ASGI).

The demo world is built with the real CLI (`labline demo`), an operator token is issued
with `labline users token`, and every operation of /api/openapi.json is called with a
bounded, deterministic set of generated inputs (valid and invalid). Checks: no 5xx,
responses match their documented schema, status codes are documented.

Server-side tracebacks are logged by `labline.web` and shown by pytest on failure.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from labline.app import create_app
from labline.config import Settings

LABLINE = str(Path(sys.executable).with_name("labline"))
OPERATOR = "operator@labline.demo"
MAX_EXAMPLES = 25


def _cli(data_dir: Path, *args: str) -> str:
    done = subprocess.run(
        [LABLINE, "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=None,
    )
    assert done.returncode == 0, f"labline {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


# The app is created at import time so that schemathesis can parametrize one test per
# operation (its lazy `from_fixture` loader does not work with pytest 9). Creating the app
# does not touch the database: the fixture below fills the data folder before any call.
_DATA = tempfile.TemporaryDirectory(prefix="labline-fuzz-")
APP = create_app(Settings(env="test", data_dir=Path(_DATA.name)))
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


@pytest.fixture(scope="module")
def fuzz_world() -> Iterator[dict[str, Any]]:
    from fastapi.testclient import TestClient

    data_dir = Path(_DATA.name)
    _cli(data_dir, "demo", "--size", "small", "--seed", "42")
    token = _cli(data_dir, "users", "token", OPERATOR, "--name", "fuzz").strip().splitlines()[-1]
    assert token.startswith("llt_"), token
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(APP) as client:
        me = client.get("/api/v1/me", headers=auth).json()
        tokens = client.get("/api/v1/tokens", headers=auth).json()
    assert me["email"] == OPERATOR
    yield {"headers": auth, "operator_id": me["id"], "token_ids": {t["id"] for t in tokens}}
    APP.state.sessionmaker.kw["bind"].dispose()
    _DATA.cleanup()


def _would_lock_us_out(case: Any, world: dict[str, Any]) -> bool:
    """Revoking the fuzzer's own token or the operator's own role would turn every later
    call into a 401/403 and hide real findings; those calls are covered by unit tests."""
    params = case.path_parameters or {}
    if case.method == "DELETE" and case.path == "/api/v1/tokens/{token_id}":
        return params.get("token_id") in world["token_ids"]
    if case.method == "DELETE" and case.path == "/api/v1/people/{person_id}/roles/{role}":
        return params.get("person_id") == world["operator_id"]
    if case.method == "PATCH" and case.path == "/api/v1/people/{person_id}":
        return params.get("person_id") == world["operator_id"]
    return False


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_document(case: Any, fuzz_world: dict[str, Any]) -> None:
    if _would_lock_us_out(case, fuzz_world):
        return
    case.call_and_validate(
        headers=fuzz_world["headers"],
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
        timeout=120,  # a busy CI machine; schemathesis' default is 10 s
    )


def test_fuzz_token_still_works_afterwards(fuzz_world: dict[str, Any]) -> None:
    """The fuzz run above really ran as the operator (not as an anonymous 401 storm)."""
    from fastapi.testclient import TestClient

    with TestClient(APP) as client:
        r = client.get("/api/v1/audit/verify", headers=fuzz_world["headers"])
    assert r.status_code == 200, r.text
    assert r.json()["ok"] is True
