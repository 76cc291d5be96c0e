"""Sign-in, sessions, CSRF, rate limiting and personal API tokens."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from labline.core.models import ApiToken, Role, WebSession
from tests.factories import PASSWORD, bearer, make_org, make_person, sign_in


def test_password_is_hashed_with_argon2id(db):
    person = make_person(db)
    assert person.password_hash.startswith("$argon2id$")


def test_sign_in_sets_an_http_only_session_and_sign_out_ends_it(client, db):
    person = make_person(db, roles=(Role.analyst,))
    sign_in(client, person.email)
    cookie = next(c for c in client.cookies.jar if c.name == "labline_session")
    assert cookie.has_nonstandard_attr("HttpOnly") or cookie._rest.get("HttpOnly") is not None
    home = client.get("/")
    assert person.name_en in home.text and 'data-role="analyst"' in home.text
    csrf = client.cookies.get("labline_csrf")
    assert (
        client.post("/sign-out", data={"csrf_token": csrf}, follow_redirects=False).status_code
        == 303
    )
    assert db.scalar(select(WebSession).where(WebSession.person_id == person.id)) is None
    assert client.get("/account").status_code == 401


def test_wrong_password_is_refused_with_the_form_again(client, db):
    person = make_person(db)
    client.get("/sign-in")
    r = client.post(
        "/sign-in",
        data={
            "email": person.email,
            "password": "nope",
            "csrf_token": client.cookies.get("labline_csrf"),
        },
    )
    assert r.status_code == 422 and 'name="password"' in r.text
    assert "not right" in r.text


def test_form_post_without_csrf_token_is_refused(client, db):
    person = make_person(db)
    client.get("/sign-in")
    r = client.post("/sign-in", data={"email": person.email, "password": PASSWORD})
    assert r.status_code == 403 and 'data-code="csrf_failed"' in r.text
    r = client.post(
        "/sign-in", data={"email": person.email, "password": PASSWORD, "csrf_token": "forged.value"}
    )
    assert r.status_code == 403


def test_a_stray_request_without_the_cookie_does_not_expire_a_form(app, client, db):
    """Only pages set a new CSRF cookie. The browser suite met this: after its cookies were
    cleared, the page before's favicon or script, answered while the sign-in page loaded,
    set a second token over the form's, and the sign-in was refused as expired."""
    person = make_person(db)
    client.get("/sign-in")
    form_token = client.cookies.get("labline_csrf")
    with TestClient(app, base_url="http://testserver") as stray:  # no cookies at all
        for path in ("/static/favicon.svg", "/static/labline.css", "/api/v1/health"):
            answer = stray.get(path)
            assert "labline_csrf" not in answer.headers.get("set-cookie", ""), path
        assert "labline_csrf" in stray.get("/sign-in").headers.get("set-cookie", "")
    r = client.post(
        "/sign-in",
        data={"email": person.email, "password": PASSWORD, "csrf_token": form_token},
        follow_redirects=False,
    )
    assert r.status_code == 303


def test_sign_in_is_rate_limited_per_account(client, db):
    person = make_person(db)
    client.get("/sign-in")
    token = client.cookies.get("labline_csrf")
    statuses = [
        client.post(
            "/sign-in", data={"email": person.email, "password": f"bad{i}", "csrf_token": token}
        ).status_code
        for i in range(6)
    ]
    assert statuses[:5] == [422] * 5 and statuses[5] == 429
    # Even the right password waits until the window passes.
    r = client.post(
        "/sign-in", data={"email": person.email, "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 429 and "Retry-After" in r.headers


def test_wrong_passwords_from_one_source_do_not_lock_out_another(app, client, db):
    person = make_person(db)

    def attempt(c, password):  # type: ignore[no-untyped-def]
        c.get("/sign-in")
        data = {"email": person.email, "password": password}
        return c.post(
            "/sign-in",
            data={**data, "csrf_token": c.cookies.get("labline_csrf")},
            follow_redirects=False,
        ).status_code

    assert [attempt(client, f"bad{i}") for i in range(6)] == [422] * 5 + [429]
    # The owner, from another address, still gets in with the right password...
    with TestClient(app, client=("198.51.100.7", 40000)) as owner:
        assert attempt(owner, PASSWORD) == 303
    # ...while the guessing source stays throttled, even with the right one.
    assert attempt(client, PASSWORD) == 429


def test_one_source_guessing_across_many_addresses_is_throttled(db):
    from labline.config import Settings
    from labline.core.service import auth
    from labline.errors import InvalidInput, RateLimited

    settings = Settings(env="test", sign_in_max_failures=2)
    outcomes = []
    for i in range(10):
        try:
            auth.authenticate(
                db, settings=settings, email=f"n{i}@x.cn", password="x", client="203.0.113.5"
            )
        except (InvalidInput, RateLimited) as exc:
            outcomes.append(type(exc).__name__)
    assert outcomes == ["InvalidInput"] * 8 + ["RateLimited"] * 2
    someone = make_person(db)
    person = auth.authenticate(
        db, settings=settings, email=someone.email, password=PASSWORD, client="192.0.2.1"
    )
    assert person.id == someone.id


def test_redirect_after_sign_in_stays_on_site(client, db):
    person = make_person(db)
    client.get("/sign-in")
    r = client.post(
        "/sign-in",
        data={
            "email": person.email,
            "password": PASSWORD,
            "next": "https://evil.example/",
            "csrf_token": client.cookies.get("labline_csrf"),
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


def test_api_token_lifecycle(client, db):
    person = make_person(db, org=make_org(db))
    h = bearer(db, person)
    me = client.get("/api/v1/me", headers=h)
    assert me.status_code == 200 and me.json()["email"] == person.email
    created = client.post("/api/v1/tokens", json={"name": "ci", "expires_in_days": 7}, headers=h)
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("llt_")
    stored = db.scalar(select(ApiToken).where(ApiToken.id == created.json()["id"]))
    assert secret not in (stored.token_hash, stored.prefix)
    h2 = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=h2).status_code == 200
    assert client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=h).status_code == 200
    r = client.get("/api/v1/me", headers=h2)
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_signed_in"


def test_nobody_revokes_another_persons_token(client, db):
    a, b = make_person(db), make_person(db)
    ha = bearer(db, a)
    tok = client.post("/api/v1/tokens", json={"name": "mine"}, headers=ha).json()
    r = client.delete(f"/api/v1/tokens/{tok['id']}", headers=bearer(db, b))
    assert r.status_code == 404


@pytest.mark.parametrize("header", ["Bearer llt_unknown", "Bearer ", "Basic abc"])
def test_bad_tokens(client, header):
    r = client.get("/api/v1/me", headers={"Authorization": header})
    assert r.status_code == 401


def test_account_page_creates_a_token_shown_once(client, db):
    person = make_person(db)
    sign_in(client, person.email)
    r = client.post(
        "/account/tokens",
        data={
            "name": "laptop",
            "expires_in_days": "30",
            "csrf_token": client.cookies.get("labline_csrf"),
        },
    )
    assert r.status_code == 201 and 'data-testid="new-token"' in r.text
    assert 'data-testid="new-token"' not in client.get("/account").text


def test_settings_refuse_default_secret_in_production():
    from labline.config import Settings, UnsafeSettings

    with pytest.raises((UnsafeSettings, ValueError), match="SECRET_KEY"):
        Settings(env="production", base_url="https://x.cn")
    ok = Settings(env="production", base_url="https://x.cn", secret_key="k" * 40)
    assert ok.is_production


def test_settings_from_environment_and_file(tmp_path, monkeypatch):
    from labline.config import Settings

    f = tmp_path / "labline.toml"
    f.write_text('data_dir = "/srv/labline"\ndefault_locale = "zh"\n', encoding="utf-8")
    monkeypatch.setenv("LABLINE_CONFIG_FILE", str(f))
    monkeypatch.setenv("LABLINE_DEFAULT_LOCALE", "en")
    s = Settings()
    assert str(s.data_dir) == "/srv/labline"
    assert s.default_locale == "en"  # the environment wins over the file
    assert s.resolved_database_url.endswith("/srv/labline/labline.db")
