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
from tests.browser.form_walk import AskFirst, FormCase, ask_first, submit
from tests.browser.test_pages import ROLES, set_language, sign_in
from tests.browser.walk import findings_on

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


def _call_to_apply(page: Any, origin: str) -> str:
    """The application form of the first call open for proposals that the reader has not
    applied to (one proposal a call: the operator's walk opens a call for each language),
    else of the first open call (a refused form is refused before that rule)."""
    page.goto(origin + "/review")
    first = None
    for href in page.eval_on_selector_all(
        "main a[href^='/review/calls/']", "els => els.map(e => e.getAttribute('href'))"
    ):
        page.goto(origin + href)
        apply = page.get_by_test_id("apply")
        if not apply.count():
            continue
        first = first or str(apply.get_attribute("href"))
        if not page.locator("main a[href^='/review/proposals/']").count():
            return str(apply.get_attribute("href"))
    assert first, "no call is open for proposals"
    return first


def _draft_call_form(page: Any, origin: str) -> str:
    """The form that changes the first draft call (the one this walk just made)."""
    page.goto(origin + "/review")
    for href in page.eval_on_selector_all(
        "main a[href^='/review/calls/']", "els => els.map(e => e.getAttribute('href'))"
    ):
        page.goto(origin + href)
        if page.get_by_test_id("edit-call").count():
            return str(page.get_by_test_id("edit-call").get_attribute("href"))
    raise AssertionError("no draft call to change")


def _open_deal_offers(page: Any, origin: str) -> str:
    """The licence offers of the first deal under negotiation."""
    page.goto(origin + "/market/deals?state=negotiating")
    href = page.locator("main a[href^='/market/deals/']").first.get_attribute("href")
    return f"{href}/offers"


def _instrument(code: str) -> Any:
    def find(page: Any, origin: str) -> str:
        page.goto(origin + "/facilities")
        row = page.locator("main tr", has_text=code).first
        return str(row.locator("a[href^='/facilities/instruments/']").first.get_attribute("href"))

    return find


NEW_CALL = {
    "title_zh": "表单巡检专项",
    "title_en": "Form walk programme",
    "budget": "3000000",
    "opens_on": "2026-12-01",
    "closes_on": "2027-03-31",
    "reviews_due": "2027-05-10",
}
NEED = {
    "title": "钙钛矿组件封装寿命提升",
    "summary": "寻求钙钛矿组件封装方案。",
    "problem": "湿热老化后效率衰减过快。",
    "field": "光伏",
    "industry_code": "3825",
    "budget_min": "200000",
    "budget_max": "800000",
    "deadline": "2027-06-30",
    "submit_now": False,
}
OFFER = {
    "label": "表单巡检许可",
    "term_years": "8",
    "upfront_cash": "150000",
    "tier_0_from_sales": "0",
    "tier_0_rate_percent": "3",
}
PROPOSAL = {
    "title_zh": "稻壳基硬碳负极",
    "abstract_zh": "以稻壳为原料制备钠离子电池硬碳负极。",
    "requested_budget": "600000",
}
# A day of its own for each language, so that the two runs do not take each other's time.
BOOK_DAY = {"en": "2026-12-22", "zh": "2026-12-23"}


def _booking(lang: str) -> dict[str, Any]:
    return {"day": BOOK_DAY[lang], "start": "20:00", "end": "21:00", "purpose": "表单巡检"}


def _pwt(columns: str, rows: list[str]) -> dict[str, Any]:
    text = "\n".join([columns, *rows]) + "\n"
    return {"name": "panel.csv", "mimeType": "text/csv", "buffer": text.encode()}


PWT_COLUMNS = "countrycode,country,year,rgdpna,rkna,emp,hc,labsh"
PWT_ROWS = [
    "CHN,China,2017,100,100,50,2.5,0.55",
    "CHN,China,2018,107,108,50.2,2.52,0.55",
    "CHN,China,2019,113,116,50.3,2.54,0.56",
]
INDICES = ["rd_intensity", "basic_research_share", "enterprise_share_rd"]


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
        FormCase(
            "new call",
            "/review/calls/new",
            "form[action='/review/calls/new']",
            good=lambda lang: {**NEW_CALL, "code": f"WALK-{lang.upper()}"},
            # Every error at once: no title in either language, a budget below zero and a
            # call that closes before it opens.
            bad=lambda lang: {
                **NEW_CALL,
                "code": f"WALK-BAD-{lang.upper()}",
                "title_zh": "",
                "title_en": "",
                "budget": "-5",
                "closes_on": "2026-11-20",
            },
            fields=("title_zh", "budget", "closes_on"),
        ),
        FormCase(
            "change a call",
            _draft_call_form,
            "form[action$='/edit']",
            good=lambda lang: {**NEW_CALL, "code": f"WALK-{lang.upper()}", "budget": "3500000"},
            bad=lambda lang: {
                **NEW_CALL,
                "code": f"WALK-{lang.upper()}",
                "title_en": "",
                "title_zh": "",
                "budget": "-5",
            },
            fields=("title_zh", "title_en", "budget"),
        ),
        FormCase(
            "licence offer",
            _open_deal_offers,
            "[data-testid=offer-form]",
            good=lambda lang: {**OFFER, "label": f"{OFFER['label']} {lang}"},
            bad=lambda lang: {
                **OFFER,
                "label": "",
                "term_years": "0",
                "tier_0_rate_percent": "150",
            },
            submit="[data-testid=offer-submit]",
            fields=("label", "term_years", "tier_0_rate_percent"),
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
        FormCase(
            "new need",
            "/market/new?kind=need",
            "form[action='/market/new']",
            good=lambda lang: dict(NEED),
            # An unticked "submit for screening" stays unticked (it came back ticked, and
            # the corrected draft was submitted).
            bad=lambda lang: {
                **NEED,
                "industry_code": "9999",
                "budget_max": "1000",
                "deadline": "2020-01-01",
            },
            fields=("industry_code", "budget_max", "deadline"),
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
        FormCase(
            "proposal",
            _call_to_apply,
            "form[action$='/apply']",
            good=lambda lang: {**PROPOSAL, "organisation_id": "#0"},
            bad=lambda lang: {**PROPOSAL, "title_zh": "", "requested_budget": "-1"},
            fields=("title_en", "requested_budget"),
        ),
        FormCase(
            "booking times",
            _instrument("NMR-600"),
            "form[action$='/book']",
            good=lambda lang: {**_booking(lang), "start": "18:00", "end": "19:00"},
            bad=lambda lang: {
                **_booking(lang),
                **{"day": "", "start": "", "end": "", "waitlist": True},
            },
            fields=("day", "start", "end"),
        ),
        FormCase(
            "booking conflict",
            _instrument("NMR-600"),
            "form[action$='/book']",
            good=_booking,
            # The same time again: taken, said in the reader's language at the local time.
            bad=_booking,
            says=lambda lang: ["20:00", "21:00"],
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
        FormCase(
            "composite index",
            "/indicators/index",
            "form[action='/indicators/index']",
            good=lambda lang: {"indicator": INDICES, "year": "2022"},
            bad=lambda lang: {"indicator": INDICES, "year": "1700"},
            fields=("year",),
        ),
        FormCase(
            "composite index coverage",
            "/indicators/index",
            "form[action='/indicators/index']",
            good=lambda lang: {"indicator": INDICES, "year": "2021"},
            # A year with no values: below the coverage every region needs, on the form.
            bad=lambda lang: {"indicator": INDICES, "year": "2030"},
        ),
        FormCase(
            "growth accounting",
            "/indicators/growth",
            "form[action='/indicators/growth']",
            good=lambda lang: {"file": _pwt(PWT_COLUMNS, PWT_ROWS), "base_year": "2017"},
            bad=lambda lang: {
                "file": _pwt("country,year,rgdpna", ["China,2017,100"]),
                "base_year": "2017",
            },
            fields=("file",),
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


def _own_deal(page: Any, origin: str) -> str:
    page.goto(origin + "/market/deals?state=negotiating")
    return str(page.locator("main a[href^='/market/deals/']").first.get_attribute("href"))


# After the forms (which made what these remove), each in both languages.
ASK_FIRST: dict[str, list[AskFirst]] = {
    "platform_operator": [
        # Seen only: abandoning would end a demo deal that other tests read.
        AskFirst("abandon a deal", _own_deal, "form:has([data-testid=deal-abandon])", False),
    ],
    "member": [
        AskFirst("remove a watch", "/market/watches", "form:has([data-testid=remove-watch])"),
        AskFirst(
            "cancel a booking", "/facilities/bookings", "form:has([data-testid=cancel-booking])"
        ),
    ],
    "reviewer": [
        AskFirst("revoke a token", "/account", "form:has([data-testid=revoke-token])"),
    ],
    "analyst": [
        AskFirst("remove a watch", "/intel/watches", "form:has([data-testid=remove-watch])"),
    ],
    "investor": [
        AskFirst(
            "unfollow",
            _first_link("/market/investors", "/market/investors/"),
            "form:has([data-testid=unfollow])",
        ),
    ],
}


def _call_closes_only_when_confirmed(page: Any, origin: str, lang: str) -> list[str]:
    """The operator opens the call the walk made in this language (the member applies to
    it), then asks to close it early: the page asks first, in the reader's language, and
    "Cancel" leaves the call open."""
    code = f"WALK-{lang.upper()}"
    page.goto(origin + "/review")
    link = page.locator("main tr", has_text=code).locator("a[href^='/review/calls/']").first
    if not link.count():
        return [f"platform_operator {lang}: the call {code} is not listed"]
    page.goto(origin + str(link.get_attribute("href")))
    problems = []
    if page.locator("button[value=open]").count():
        with page.expect_navigation():
            page.locator("button[value=open]").click()
    with page.expect_navigation():
        page.locator("button[value=close]").click()
    confirm = page.get_by_test_id("confirm")
    if not confirm.is_visible():
        problems.append(f"closing {code} early did not ask first")
    problems += [str(f) for f in findings_on(page, lang)]
    shot(page, f"form-walk-platform_operator-{lang}-close-call-early")
    with page.expect_navigation():
        page.get_by_test_id("confirm-no").click()
    if not page.locator("button[value=close]").count():
        problems.append(f"{code} is not open after the question was answered 'Cancel'")
    return [f"platform_operator {lang} close {code} early: {p}" for p in problems]


def test_every_role_has_form_cases() -> None:
    assert set(CASES) == set(ROLES)


# Each role in English, then in Chinese, from a browser in that language (its date and
# time fields drawn in it: tests/browser/conftest.py).
@pytest.mark.parametrize(("role", "lang"), [(r, lang) for r in ROLES for lang in ("en", "zh")])
def test_submitted_forms_speak_the_readers_language(
    page: Any, server: Server, role: str, lang: str
) -> None:
    sign_in(page, server.accounts[role].email)
    report: list[str] = []
    set_language(page, lang)
    for case in CASES[role]:
        for which in ("good", "bad"):
            out = submit(page, server.url, case, lang, which)
            where = f"{role} {lang} {case.name} ({which}, {out.status}) {out.url}"
            report += [f"{where}: {p}" for p in out.problems]
            report += [f"{where}: {f}" for f in out.findings]
            if which == "bad":
                shot(page, f"form-walk-{role}-{lang}-{case.name.replace(' ', '-')}")
    if role == "platform_operator":
        report += _call_closes_only_when_confirmed(page, server.url, lang)
    for action in ASK_FIRST.get(role, []):
        out = ask_first(page, server.url, action, lang)
        where = f"{role} {lang} {action.name} ({out.status}) {out.url}"
        report += [f"{where}: {p}" for p in out.problems]
        report += [f"{where}: {f}" for f in out.findings]
    assert not report, f"{len(report)} problems:\n" + "\n".join(report[:60])
