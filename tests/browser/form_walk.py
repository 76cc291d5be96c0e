"""The form walk: pages reached only by submitting a form (a confirmation, a form that comes
back with its errors) are not reached by links, so the language walk (walk.py) never sees
them. Here each role submits its main forms, once with valid demo values and once with one
invalid value, in both languages, and the page that answers is checked like any walked page.

A case names the page that holds the form (or how to find it), the form, the good values and
the one bad value; values may depend on the language, so that the two runs do not collide
(an e-mail address, a followed region).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.browser.walk import Finding, findings_on

Values = dict[str, str | bool]


@dataclass(frozen=True)
class FormCase:
    name: str
    path: str | Callable[[Any, str], str]  # the page, or how to find it (page, origin)
    form: str  # CSS selector of the form
    good: Callable[[str], Values]
    bad: Callable[[str], Values]  # the good values with one field made invalid
    submit: str = "button[type=submit]"
    # On the good answer: what shows the submission was taken (a CSS selector), if anything.
    done: str | None = None
    errors: str = ".error, [role=alert]"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    case: str
    lang: str
    which: str  # good | bad
    status: int
    url: str
    problems: list[str]
    findings: list[Finding]


def _fill(form: Any, values: Values) -> None:
    for name, value in values.items():
        el = form.locator(f"[name='{name}']").first
        tag = el.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if tag.startswith("select") and str(value).startswith("#"):
            el.select_option(index=int(str(value)[1:]))  # "#1": the first real choice
        elif tag.startswith("select"):
            el.select_option(str(value))
        elif tag in ("input:checkbox", "input:radio"):
            el.set_checked(bool(value))
        else:
            el.fill(str(value))


def submit(page: Any, origin: str, case: FormCase, lang: str, which: str) -> Outcome:
    """Open the form's page, fill it, submit it (the browser's own checks off, so that the
    server answers the bad value) and check the page that comes back."""
    path = case.path(page, origin) if callable(case.path) else case.path
    page.goto(origin + path)
    form = page.locator(case.form).first
    values = case.good(lang) if which == "good" else case.bad(lang)
    _fill(form, values)
    form.evaluate("f => { f.noValidate = true; }")
    with page.expect_navigation() as nav:
        form.locator(case.submit).first.click()
    response = nav.value
    status = response.status if response is not None else 0
    problems = []
    if status >= 500:
        problems.append(f"server error {status}")
    if which == "good":
        if status >= 400:
            problems.append(
                f"valid values refused ({status}): {page.locator('main').inner_text()[:300]!r}"
            )
        elif case.done and not page.locator(case.done).count():
            problems.append(f"no sign of the submission ({case.done}) at {page.url}")
    else:
        if not 400 <= status < 500:
            problems.append(f"an invalid value answered {status}, not a 4xx form")
        if not page.locator(case.form).count():
            problems.append("the form did not come back (an error page?)")
        if not page.locator(case.errors).count():
            problems.append("no error is shown")
    return Outcome(case.name, lang, which, status, page.url, problems, findings_on(page, lang))
