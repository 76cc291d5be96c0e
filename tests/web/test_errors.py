"""One error shape for every error, JSON under /api/ and an HTML page elsewhere (pinned)."""

from __future__ import annotations

ERROR_KEYS = {"status", "code", "message", "fields"}


def _shape(body):
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) >= ERROR_KEYS
    assert isinstance(err["fields"], list)
    return err


def test_api_not_found_shape(client):
    r = client.get("/api/v1/organisations/999999")
    assert r.status_code == 404
    err = _shape(r.json())
    assert err == {
        "status": 404,
        "code": "not_found",
        "message": "No organisation with id 999999.",
        "fields": [],
    }


def test_api_unknown_route_and_method(client):
    err = _shape(client.get("/api/v1/no-such-thing").json())
    assert err["code"] == "not_found"
    r = client.put("/api/v1/organisations")
    assert r.status_code == 405 and _shape(r.json())["code"] == "method_not_allowed"


def test_api_validation_names_the_field_and_what_is_allowed(client):
    r = client.get("/api/v1/organisations", params={"kind": "castle", "per_page": 1000})
    assert r.status_code == 422
    err = _shape(r.json())
    fields = {f["field"]: f for f in err["fields"]}
    assert set(fields) == {"kind", "per_page"}
    assert "enterprise" in str(fields["kind"]["allowed"])
    assert fields["per_page"]["allowed"] == {"le": 100}


def test_api_not_signed_in_shape(client):
    r = client.get("/api/v1/people")
    assert r.status_code == 401
    assert _shape(r.json())["code"] == "not_signed_in"


def test_html_error_page_carries_the_same_content(client):
    r = client.get("/organisations/999999", headers={"accept": "text/html"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert 'data-code="not_found"' in r.text and "No organisation with id 999999." in r.text


def test_html_error_page_in_chinese(client):
    client.cookies.set("labline_lang", "zh")
    r = client.get("/nowhere")
    assert r.status_code == 404 and "此地址没有页面。" in r.text and 'lang="zh-CN"' in r.text


def test_oversized_body_is_refused_without_reading_it(client):
    r = client.post(
        "/api/v1/organisations",
        content=b"x" * (11 * 1024 * 1024),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413
    assert _shape(r.json())["code"] == "too_large"


def test_malformed_json_is_a_field_error_not_a_crash(client, db):
    from labline.core.models import Role
    from tests.factories import bearer, make_person

    op = make_person(db, roles=(Role.platform_operator,))
    r = client.post(
        "/api/v1/organisations",
        content=b"{not json",
        headers={**bearer(db, op), "content-type": "application/json"},
    )
    assert r.status_code == 422
    _shape(r.json())


class _PgError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _raising_app():
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from labline.web import errors

    app = FastAPI()
    errors.install(app)

    @app.get("/api/deadlock")
    def deadlock():
        raise OperationalError("INSERT ...", {}, _PgError("40P01"))

    @app.get("/api/pool")
    def pool():
        raise PoolTimeout("QueuePool limit of size 10 overflow 20 reached")

    @app.get("/api/disk")
    def disk():
        raise OperationalError("INSERT ...", {}, _PgError("53100"))  # disk full: not transient

    return TestClient(app, raise_server_exceptions=False)


def test_transient_database_refusals_are_503_with_retry_after():
    client = _raising_app()
    for path in ("/api/deadlock", "/api/pool"):
        r = client.get(path)
        assert r.status_code == 503, path
        assert r.headers["retry-after"] == "1"
        err = _shape(r.json())
        assert err["code"] == "busy"
    r = client.get("/api/disk")
    assert r.status_code == 500
    assert _shape(r.json())["code"] == "internal_error"
