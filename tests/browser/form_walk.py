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

# A text, a check box's state, or a file for a file field ({"name", "mimeType", "buffer"}).
Values = dict[str, Any]


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
    # On the bad answer: the fields whose error must stand beside them (all at once), and
    # texts the errors must say (a conflict's local time), by language.
    fields: tuple[str, ...] = ()
    says: Callable[[str], list[str]] | None = None
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
        if tag == "input:file":
            el.set_input_files(value)
        elif tag.startswith("select") and str(value).startswith("#"):
            el.select_option(index=int(str(value)[1:]))  # "#1": the first real choice
        elif tag.startswith("select"):
            el.select_option(value if isinstance(value, list) else str(value))
        elif tag in ("input:checkbox", "input:radio"):
            el.set_checked(bool(value))
        else:
            el.fill(str(value))


# What a form field holds now: its value, or whether a check box is ticked.
HELD = """e => (e.type === 'checkbox' || e.type === 'radio') ? e.checked
  : e.multiple ? [...e.selectedOptions].map(o => o.value).join(',') : e.value"""
# Whether the field's own box (its .field or table cell) shows an error, or the error named
# after the field (`<name>-error`) follows it.
BESIDE = """e => { const box = e.closest('.field, td, li');
  if (box && box.querySelector('.error')) return true;
  const own = document.getElementById(e.name + '-error');
  return !!(own && (e.compareDocumentPosition(own) & Node.DOCUMENT_POSITION_FOLLOWING)); }"""


def kept_problems(form: Any, values: Values) -> list[str]:
    """Every value the reader gave is in the form that came back (a file is chosen again)."""
    problems = []
    for name, value in values.items():
        el = form.locator(f"[name='{name}']").first
        if not el.count():
            problems.append(f"the field {name} is gone")
            continue
        if el.evaluate("e => e.type") == "file":
            continue
        held = el.evaluate(HELD)
        want = bool(value) if isinstance(held, bool) else str(value)
        if isinstance(value, list):  # chosen in a list box: the same choices, in any order
            want, held = ",".join(sorted(value)), ",".join(sorted(str(held).split(",")))
        if str(value).startswith("#") and not isinstance(held, bool):
            continue  # a choice by position
        if held != want:
            problems.append(f"{name} came back as {held!r}, not {want!r}")
    return problems


def beside_problems(form: Any, fields: tuple[str, ...]) -> list[str]:
    problems = []
    for name in fields:
        el = form.locator(f"[name='{name}']").first
        if not el.count() or not el.evaluate(BESIDE):
            problems.append(f"no error beside {name}")
    return problems


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
        elif page.locator(case.form).count():
            form = page.locator(case.form).first
            problems += kept_problems(form, values)
            problems += beside_problems(form, case.fields)
            shown = " ".join(page.locator(case.errors).all_inner_texts())
            for text in case.says(lang) if case.says else []:
                if text not in shown:
                    problems.append(f"the error does not say {text!r}: {shown[:300]!r}")
    return Outcome(case.name, lang, which, status, page.url, problems, findings_on(page, lang))


@dataclass(frozen=True)
class AskFirst:
    """A destructive or irreversible action: its button asks first, in the reader's
    language, and only the answer's "yes" posts the form (`confirm`: the test says yes)."""

    name: str
    path: str | Callable[[Any, str], str]
    form: str  # CSS selector of the action's form
    confirm: bool = True


def ask_first(page: Any, origin: str, case: AskFirst, lang: str) -> Outcome:
    path = case.path(page, origin) if callable(case.path) else case.path
    page.goto(origin + path)
    url = page.url
    problems: list[str] = []
    form = page.locator(case.form).first
    if not form.count():
        return Outcome(case.name, lang, "ask", 0, url, [f"no {case.form} here"], [])
    asks = form.locator("details.ask-first")
    if not asks.count():
        return Outcome(case.name, lang, "ask", 0, url, ["the action does not ask first"], [])
    asks.locator("summary").click()
    question = asks.locator("[role=alertdialog]")
    if page.url != url:
        problems.append(f"the first click left the page for {page.url}")
    elif not question.is_visible():
        problems.append("no question is shown")
    findings = findings_on(page, lang)
    status = 0
    if case.confirm and not problems:
        with page.expect_navigation() as nav:
            question.locator("button[type=submit]").click()
        status = nav.value.status if nav.value is not None else 0
        if status >= 400:
            problems.append(f"the answer's yes failed ({status})")
    return Outcome(case.name, lang, "ask", status, page.url, problems, findings)
