"""The form walk (tests/browser/form_walk.py): each role submits its main forms with valid
demo values and with one invalid value, in English and in 中文; the confirmation pages and
the forms that come back with their errors must speak the reader's language (record content
marked `data-record`), keep the form, and show the error.

It runs before the language walk (file order), which then reads the records made here.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.form_walk import FormCase, submit
from tests.browser.test_pages import ROLES, set_language, sign_in

pytestmark = pytest.mark.browser


def _first_link(listing: str, prefix: str, suffix: str = "") -> Any:
    """The page of the first record linked from a listing (e.g. the investor's own page)."""

    def find(page: Any, origin: str) -> str:
        page.goto(origin + listing)
        href = page.locator(f"main a[href^='{prefix}']").first.get_attribute("href")
        return str(href).split("#")[0] + suffix

    return find


def _token(lang: str) -> dict[str, str | bool]:
    return {"name": f"form walk {lang}", "expires_in_days": "30"}


def _person(role: str) -> Any:
    def good(lang: str) -> dict[str, str | bool]:
        return {
            "email": f"form-walk-{role}-{lang}@labline.demo",
            "display_name": "表单测试",
            "name_en": "Form Walk",
        }

    return good


PERSON_FORM = "main form:has([name=email])"
ACHIEVEMENT = {
    "title": "硅碳负极循环寿命提升方法",
    "summary": "一种提高硅碳负极循环寿命的方法。",
    "field": "电池",
    "industry_code": "3841",
    "readiness": "5",
}


def _manage_page(page: Any, origin: str) -> str:
    """The manage page of the first instrument the facility manager manages."""
    page.goto(origin + "/facilities")
    links = page.locator("main a[href^='/facilities/instruments/']")
    hrefs = [str(links.nth(i).get_attribute("href")) for i in range(min(links.count(), 20))]
    for href in dict.fromkeys(hrefs):
        page.goto(origin + href.split("#")[0])
        manage = page.locator("main a[href$='/manage']")
        if manage.count():
            return str(manage.first.get_attribute("href"))
    raise AssertionError("the facility manager manages no instrument linked from /facilities")


CASES: dict[str, list[FormCase]] = {
    "platform_operator": [
        FormCase(
            "new organisation",
            "/organisations/new",
            "main form:has([name=name_zh])",
            good=lambda lang: {
                "name_zh": f"表单巡检研究院{lang}",
                "name_en": f"Form Walk Institute {lang}",
                "region_code": "440300",
            },
            bad=lambda lang: {
                "name_zh": "表单巡检",
                "name_en": "Form Walk",
                "region_code": "999999",
            },
        ),
        FormCase(
            "new person",
            "/people/new",
            PERSON_FORM,
            good=_person("operator"),
            # The address the good run just registered: a conflict, beside the field.
            bad=_person("operator"),
        ),
    ],
    "org_admin": [
        FormCase(
            "new colleague",
            "/people/new",
            PERSON_FORM,
            good=lambda lang: {**_person("admin")(lang), "organisation_id": "#1"},
            bad=lambda lang: {**_person("admin")(lang), "organisation_id": "#1", "email": "x"},
        ),
    ],
    "member": [
        FormCase(
            "new achievement",
            "/market/new?kind=achievement",
            "form[action='/market/new']",
            good=lambda lang: dict(ACHIEVEMENT),
            bad=lambda lang: {**ACHIEVEMENT, "industry_code": "9999"},
        ),
        FormCase(
            "market watch",
            "/market/watches",
            "[data-testid=watch-form]",
            good=lambda lang: {"kind": "search", "query": "硅碳负极"},
            bad=lambda lang: {"kind": "search", "query": "硅碳负极", "min_readiness": "12"},
        ),
    ],
    "reviewer": [
        FormCase(
            "API token",
            "/account",
            "form[action='/account/tokens']",
            good=_token,
            bad=lambda lang: {**_token(lang), "expires_in_days": "0"},
            errors="form[action='/account/tokens'] .error, [role=alert]",
        ),
    ],
    "committee_member": [
        FormCase(
            "time zone",
            "/account",
            "[data-testid=time-zone-form]",
            good=lambda lang: {"time_zone": "Asia/Shanghai"},
            bad=lambda lang: {"time_zone": "Europe/Atlantis"},
            done="[data-testid=time-zone-saved]",
        ),
    ],
    "facility_manager": [
        FormCase(
            "instrument closure",
            _manage_page,
            "form[action$='/manage/closures']",
            good=lambda lang: {
                "from": "2030-03-0" + ("1" if lang == "en" else "3"),
                "to": "2030-03-0" + ("2" if lang == "en" else "4"),
                "reason": "年度维护",
            },
            bad=lambda lang: {"from": "2030-04-02", "to": "2030-04-01", "reason": "年度维护"},
        ),
        FormCase(
            "qualification",
            _manage_page,
            "form[action$='/manage/qualifications']",
            good=lambda lang: {"email": "member@labline.demo", "expires": "2030-12-31"},
            bad=lambda lang: {"email": "nobody@labline.demo", "expires": "2030-12-31"},
        ),
    ],
    "analyst": [
        FormCase(
            "document watch",
            "/intel/watches",
            "[data-testid=watch-form]",
            good=lambda lang: {"query": "基础研究", "language": lang},
            bad=lambda lang: {"query": "基础研究", "source": "x" * 201},
        ),
    ],
    "investor": [
        FormCase(
            "follow a region",
            _first_link("/market/investors", "/market/investors/"),
            "[data-testid=follow-region]",
            good=lambda lang: {"follow_region": "110000" if lang == "en" else "310000"},
            bad=lambda lang: {"follow_region": "没有的地方"},
        ),
    ],
}


def test_every_role_has_form_cases() -> None:
    assert set(CASES) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_submitted_forms_speak_the_readers_language(page: Any, server: Server, role: str) -> None:
    sign_in(page, server.accounts[role].email)
    report: list[str] = []
    for lang in ("en", "zh"):
        set_language(page, lang)
        for case in CASES[role]:
            for which in ("good", "bad"):
                out = submit(page, server.url, case, lang, which)
                where = f"{role} {lang} {case.name} ({which}, {out.status}) {out.url}"
                report += [f"{where}: {p}" for p in out.problems]
                report += [f"{where}: {f}" for f in out.findings]
                if which == "bad":
                    shot(page, f"form-walk-{role}-{lang}-{case.name.replace(' ', '-')}")
    assert not report, f"{len(report)} problems:\n" + "\n".join(report[:60])
