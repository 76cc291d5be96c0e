"""In a real browser: every demo role signs in, tours the main pages in English and 中文,
creates an API token and uses it, and signs out; anonymous visitors, a wrong password and
a bad organisation form get helpful answers. Screenshots go to tests/_artifacts/screenshots.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.browser.conftest import PASSWORD, Account, Server, shot

pytestmark = pytest.mark.browser

ROLES = (
    "platform_operator",
    "org_admin",
    "member",
    "reviewer",
    "committee_member",
    "facility_manager",
    "analyst",
    "investor",
)
HTML_LANG = {"en": "en", "zh": "zh-CN"}
CJK = re.compile(r"[\u4e00-\u9fff]")

# What each page must say, in each language (from the message catalogues).
TEXT = {
    "en": {
        "welcome": "Welcome, ",
        "organisations": "Organisations",
        "total": re.compile(r"^(\d+) organisations$"),
        "university": "university",
        "kind": "Kind",
        "people": "People",
        "account": "Your account",
        "api_tokens": "API tokens",
        "audit": "Audit trail",
        "not_permitted": "Not permitted",
        "please_sign_in": "Please sign in",
        "not_found": "Not found",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "hero": "From the lab to the production line",
        "create_token": "Create token",
        "fix_fields": "Please correct the fields marked below.",
        "new_org": "New organisation",
    },
    "zh": {
        "welcome": "欢迎，",
        "organisations": "机构",
        "total": re.compile(r"^共 (\d+) 家机构$"),
        "university": "高校",
        "kind": "类型",
        "people": "人员",
        "account": "我的账户",
        "api_tokens": "API 令牌",
        "audit": "审计记录",
        "not_permitted": "无权访问",
        "please_sign_in": "请先登录",
        "not_found": "未找到",
        "sign_in": "登录",
        "sign_out": "退出",
        "hero": "从实验室到生产线",
        "create_token": "创建令牌",
        "fix_fields": "请修改下面标出的字段。",
        "new_org": "新建机构",
    },
}


def _h1(page: Any) -> str:
    return str(page.locator("main h1").first.inner_text()).strip()


def _goto(page: Any, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, (
        path,
        response and response.status,
    )


def set_language(page: Any, lang: str) -> None:
    """Switch with the language link in the header (it is shown only for the other one)."""
    if page.locator("html").get_attribute("lang") != HTML_LANG[lang]:
        with page.expect_navigation():
            page.get_by_test_id(f"lang-{lang}").click()
    assert page.locator("html").get_attribute("lang") == HTML_LANG[lang]
    other = "zh" if lang == "en" else "en"
    assert page.get_by_test_id(f"lang-{other}").is_visible()


def sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    """Sign in with the form. A right password must land off the sign-in page, signed in;
    a 503 busy (the server's answer under a machine's load, with Retry-After) is retried
    once after the wait it names, as a person would, and anything else fails here, with the
    status and the page's alert, not later as a puzzling 401."""
    for attempt in (1, 2):
        _goto(page, "/sign-in")
        page.fill("#email", email)
        page.fill("#password", password)
        with page.expect_navigation() as navigation:
            page.locator("main form button[type=submit]").click()
        answer = navigation.value
        if password != PASSWORD:
            return  # the caller checks the refusal
        if answer.status < 400 and not page.url.split("?")[0].endswith("/sign-in"):
            return
        if answer.status == 503 and attempt == 1:
            page.wait_for_timeout(1000 * int(answer.headers.get("retry-after", "1")))
            continue
        alert = page.locator("main [role=alert]")
        said = alert.inner_text() if alert.count() else ""
        raise AssertionError(f"{email} not signed in: {answer.status} at {page.url}: {said!r}")


def sign_out(page: Any, lang: str) -> None:
    button = page.locator("header form[action='/sign-out'] button")
    assert button.inner_text().strip() == TEXT[lang]["sign_out"]
    with page.expect_navigation():
        button.click()


def role_label(page: Any, role: str, lang: str, text: str) -> None:
    if lang == "en":
        assert text == role.replace("_", " ")
    else:
        assert CJK.search(text), f"role {role} is not translated: {text!r}"


# --- anonymous visitors -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_anonymous_visitor_is_shown_the_way_in(page: Any, server: Server, lang: str) -> None:
    t = TEXT[lang]
    _goto(page, "/")
    set_language(page, lang)
    assert _h1(page) == t["hero"]
    assert page.locator("main a.button[href='/sign-in']").inner_text().strip() == t["sign_in"]
    assert page.locator("header a[href='/sign-in']").is_visible()
    assert page.get_by_test_id("account").count() == 0
    shot(page, f"anonymous-{lang}-home")

    _goto(page, "/account", status=401)
    assert _h1(page) == t["please_sign_in"]
    assert page.locator("[role=alert]").get_attribute("data-code") == "not_signed_in"
    link = page.locator("main a.button", has_text=t["sign_in"])
    assert link.get_attribute("href") == "/sign-in?next=/account"
    shot(page, f"anonymous-{lang}-401")

    _goto(page, "/organisations/999999", status=404)
    assert _h1(page) == t["not_found"]
    assert "999999" in page.locator("[role=alert]").inner_text()
    _goto(page, "/no/such/page", status=404)
    assert _h1(page) == t["not_found"]
    shot(page, f"anonymous-{lang}-404")

    # The 401 page's button leads to sign-in and back to where the visitor wanted to go.
    _goto(page, "/account", status=401)
    with page.expect_navigation():
        link.click()
    assert page.locator("input[name=next]").get_attribute("value") == "/account"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_wrong_password_shows_the_error(page: Any, server: Server, lang: str) -> None:
    _goto(page, "/")
    set_language(page, lang)
    email = server.accounts["analyst"].email
    sign_in(page, email, password="not-the-password")
    assert page.url.endswith("/sign-in")
    alert = page.locator("main [role=alert]")
    assert alert.get_attribute("data-code") == "invalid_input"
    message = alert.inner_text().strip()
    if lang == "en":
        assert message == "The e-mail address or password is not right."
    else:
        assert CJK.search(message), f"sign-in error not translated: {message!r}"
    assert page.input_value("#email") == email
    assert page.input_value("#password") == ""
    assert page.get_by_test_id("account").count() == 0
    shot(page, f"wrong-password-{lang}")


# --- every role -----------------------------------------------------------------------------


def tour(page: Any, server: Server, account: Account, lang: str) -> None:
    t = TEXT[lang]
    role = account.role
    name = f"{role}-{lang}"
    _goto(page, "/")
    set_language(page, lang)

    # Home: the person, their role badge and the card for that role.
    shown = account.name_zh if lang == "zh" else account.name_en  # each page in its language
    assert _h1(page) == t["welcome"] + shown
    badge = page.locator(f"main .badge[data-role='{role}']")
    role_label(page, role, lang, badge.inner_text().strip())
    assert page.locator(f"main [data-role-card='{role}']").is_visible()
    assert page.get_by_test_id("account").inner_text().strip() == shown
    nav = page.locator("header nav")
    assert nav.get_by_role("link", name=t["organisations"]).is_visible()
    assert nav.get_by_role("link", name=t["people"]).is_visible()
    assert nav.get_by_role("link", name=t["audit"]).count() == (
        1 if role == "platform_operator" else 0
    )
    shot(page, f"{name}-home")

    # Organisations, then narrow the list to universities through htmx (no page load).
    _goto(page, "/organisations")
    assert _h1(page) == t["organisations"]
    caption = page.locator("#results caption")
    m = t["total"].match(caption.inner_text().strip())
    assert m, caption.inner_text()
    everyone = int(m[1])
    assert everyone >= 100
    with page.expect_response(
        lambda r: "/organisations?" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.select_option("#kind", "university")
    page.wait_for_url(re.compile(r"kind=university"))
    m = t["total"].match(caption.inner_text().strip())
    assert m and 0 < int(m[1]) < everyone, caption.inner_text()
    kinds = page.locator("#results tbody tr td:nth-child(2)").all_inner_texts()
    assert kinds and {k.strip() for k in kinds} == {t["university"]}
    shot(page, f"{name}-organisations-universities")

    # An organisation's page.
    first = page.locator("#results tbody tr td:first-child a").first
    org_name = first.inner_text().strip()
    with page.expect_navigation():
        first.click()
    assert re.search(r"/organisations/\d+$", page.url)
    assert _h1(page) == org_name
    assert page.locator("dl.facts dt", has_text=t["kind"]).is_visible()
    assert page.locator("dl.facts dd").first.inner_text().strip() == t["university"]
    shot(page, f"{name}-organisation-detail")

    # People.
    _goto(page, "/people")
    assert _h1(page) == t["people"]
    assert page.locator("main table tbody tr td a").count() >= 10
    shot(page, f"{name}-people")

    # Account.
    _goto(page, "/account")
    assert _h1(page) == t["account"]
    assert page.locator("dl.facts").get_by_text(account.email).is_visible()
    assert page.locator("main h2", has_text=t["api_tokens"]).is_visible()
    shot(page, f"{name}-account")

    # Audit trail: the operator reads it, everyone else is told they may not.
    if role == "platform_operator":
        _goto(page, "/audit")
        assert _h1(page) == t["audit"]
        assert page.locator("main table tbody tr").count() > 0
        # Other walks in this session add records on top; the demo's own load is still
        # there, found by its entity type.
        _goto(page, "/audit?entity_type=teams")
        actions = page.locator("main table tbody tr td:nth-child(4)").all_inner_texts()
        assert "demo.generate" in actions, actions
        shot(page, f"{name}-audit")
    else:
        _goto(page, "/audit", status=403)
        assert _h1(page) == t["not_permitted"]

    # API documentation: Swagger UI from the vendored files, listing the operations.
    _goto(page, "/api/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "labline" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 15
    assert page.locator(".opblock-summary-path", has_text="/api/v1/me").count() == 1
    if lang == "en":
        shot(page, f"{role}-api-docs")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_tours_the_platform_in_both_languages(
    page: Any, server: Server, role: str
) -> None:
    account = server.accounts.get(role)
    assert account, f"`labline demo` printed no {role} account: {sorted(server.accounts)}"
    sign_in(page, account.email)
    assert page.url == server.url + "/"
    for lang in ("en", "zh"):
        tour(page, server, account, lang)

    # An API token made on the account page works against the JSON API.
    _goto(page, "/account")
    page.fill("#token-name", f"browser {role}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]", has_text=TEXT["zh"]["create_token"]).click()
    secret = page.get_by_test_id("new-token").inner_text().strip()
    assert secret.startswith("llt_")
    assert page.locator("main table tbody td", has_text=f"browser {role}").is_visible()
    shot(page, f"{role}-zh-new-token")
    me = httpx.get(
        f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )
    assert me.status_code == 200, me.text
    assert me.json()["email"] == account.email
    assert me.json()["display_name"] == account.name_zh
    anonymous = httpx.get(f"{server.url}/api/v1/me", timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_signed_in"

    sign_out(page, "zh")
    assert page.url == server.url + "/"
    assert _h1(page) == TEXT["zh"]["hero"]
    assert page.get_by_test_id("account").count() == 0
    _goto(page, "/account", status=401)


# --- forms ------------------------------------------------------------------------------------


def test_operator_fixes_a_bad_organisation_form(page: Any, server: Server) -> None:
    t = TEXT["en"]
    sign_in(page, server.accounts["platform_operator"].email)
    set_language(page, "en")
    _goto(page, "/organisations")
    with page.expect_navigation():
        page.get_by_role("link", name=t["new_org"]).click()
    assert _h1(page) == t["new_org"]

    page.fill("#name_zh", "浏览器测试光电科技有限公司")
    page.fill("#name_en", "Browser Test Optoelectronics Co., Ltd.")
    page.select_option("#kind", "enterprise")
    page.fill("#country", "ZZ")
    # The region and the industry are pickers searchable in both languages (GB/T 2260,
    # GB/T 4754): the choices name each code in Chinese and English.
    assert page.locator("#region_code").get_attribute("list") == "region_code-choices"
    options = page.locator("#region_code-choices option")
    assert options.count() > 300
    shenzhen = page.locator("#region_code-choices option[value='440300']").inner_text()
    assert "深圳市" in shenzhen and "Shenzhen" in shenzhen and "广东省" in shenzhen
    # A code that does not exist is refused beside the field.
    page.fill("#region_code", "999999")
    page.fill("#industry_code", "3825")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("main form button[type=submit]").click()
    assert posted.value.status == 422
    page.wait_for_load_state()
    assert page.locator("main [role=alert] p").first.inner_text().strip() == t["fix_fields"]
    assert "unknown country" in page.locator("#country-error").inner_text()
    assert "unknown region" in page.locator("#region_code-error").inner_text()
    assert page.locator(".field.invalid").count() == 2
    # What was typed is kept.
    assert page.input_value("#name_zh") == "浏览器测试光电科技有限公司"
    assert page.input_value("#industry_code") == "3825"
    shot(page, "operator-en-organisation-form-errors")

    page.fill("#country", "CN")
    page.fill("#region_code", "440300")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert re.search(r"/organisations/\d+$", page.url), page.url
    assert _h1(page) == "Browser Test Optoelectronics Co., Ltd."
    assert "440300" in page.locator("dl.facts").inner_text()
    shot(page, "operator-en-organisation-created")

    # It is in the directory now.
    _goto(page, "/organisations?q=Browser+Test")
    assert page.locator("#results tbody tr").count() == 1


# --- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "query"), [("zh", "钙钛矿叠层电池"), ("en", "perovskite tandem solar cells")]
)
def test_search_finds_across_languages_and_explains(
    page: Any, server: Server, lang: str, query: str
) -> None:
    _goto(page, "/")
    set_language(page, lang)
    _goto(page, "/search")
    page.fill("#q", query)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    hits = page.get_by_test_id("search-hit")
    assert hits.count() >= 5
    first = hits.first.inner_text()
    assert "钙钛矿" in first or "Perovskite" in first  # the same teams, whichever language asks
    assert ("匹配" if lang == "zh" else "matched") in first
    # What each score is made of, in the reader's language, as /api/v1/search gives it.
    shares = page.get_by_test_id("search-shares")
    assert shares.count() >= 3
    made_of = (
        r"字词 \d+% · 翻译 \d+% · 语义 \d+%"
        if lang == "zh"
        else r"words \d+% · translation \d+% · meaning \d+%"
    )
    assert re.fullmatch(made_of, shares.first.inner_text().strip()), shares.first.inner_text()
    shot(page, f"search-{lang}")
