"""One message id, one meaning: a word with two senses carries a context (pgettext).

The modules' catalogues are merged into one lookup, so the same English id translated two
ways in two catalogues shows one module's word in the other's pages ("Title" 职务, a job
title, in a list of documents). This test fails on such an id; the fix is a `msgctxt`.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from labline import i18n

SRC = Path(__file__).parents[2] / "src" / "labline"


def _translations() -> dict[tuple[str | None, str], dict[str, str]]:
    seen: dict[tuple[str | None, str], dict[str, str]] = defaultdict(dict)
    for path in sorted(SRC.glob("*/locale/zh/LC_MESSAGES/messages.po")):
        with path.open("rb") as fh:
            for m in read_po(fh, locale="zh"):
                if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string:
                    seen[(m.context, m.id)][path.parts[-5]] = m.string
    return seen


def test_one_message_id_has_one_meaning_across_catalogues():
    clashes = {
        f"{ctx + ': ' if ctx else ''}{msgid}": by_module
        for (ctx, msgid), by_module in _translations().items()
        if len(set(by_module.values())) > 1
    }
    assert not clashes, f"give these a msgctxt (pgettext) or one translation: {clashes}"


@pytest.mark.parametrize(
    ("context", "msgid", "zh"),
    [
        ("person", "Title", "职务"),
        (None, "Title", "标题"),
        ("action", "Apply", "执行"),
        (None, "Apply", "申报"),
        ("organisation", "Size", "规模"),
        (None, "Size", "大小"),
        ("mail", "To", "收件人"),
        (None, "To", "结束"),
        ("verb", "Record", "登记"),
        (None, "Record", "记录"),
        ("invoice", "Issued", "开票日期"),
        ("funding", "Awarded", "资助金额"),
        ("proposal", "Documents", "申报材料"),
        (None, "Documents", "文献"),
    ],
)
def test_each_sense_has_its_word(context: str | None, msgid: str, zh: str):
    token = i18n.set_locale("zh")
    try:
        got = i18n.pgettext(context, msgid) if context else i18n.gettext(msgid)
        assert got == zh
    finally:
        i18n.reset_locale(token)
    assert (i18n.pgettext(context, msgid) if context else i18n.gettext(msgid)) == msgid


def test_templates_use_the_sense_they_mean():
    """The pages where the lost sense showed: each asks for its context."""
    where = {
        "core/templates/core/person_form.html": 'pgettext("person", "Title")',
        "market/templates/market/record.html": 'pgettext("action", "Apply")',
        "core/templates/core/organisation_form.html": 'pgettext("organisation", "Size")',
        "core/templates/core/mail.html": 'pgettext("mail", "To")',
    }
    for path, call in where.items():
        assert call in (SRC / path).read_text(encoding="utf-8"), path


def test_plural_forms_follow_the_locale():
    assert i18n.ngettext("%(num)s deal", "%(num)s deals", 1) == "1 deal"
    assert i18n.ngettext("%(num)s deal", "%(num)s deals", 3) == "3 deals"
    assert i18n.plural_index("en", 1) == 0
    assert i18n.plural_index("en", 0) == 1
    assert i18n.plural_index("zh", 1) == 0
    token = i18n.set_locale("zh")
    try:
        assert i18n.ngettext("year", "years", 1) == "年"
        assert i18n.ngettext("year", "years", 5) == "年"
    finally:
        i18n.reset_locale(token)


def test_pages_count_in_words():
    from decimal import Decimal

    from labline.web.render import environment

    env = environment()
    deals = env.from_string(
        '{{ ngettext("%(num)s deal is past its due day.", "%(num)s deals are past their due day.",'
        " n) }}"
    )
    assert deals.render(n=1) == "1 deal is past its due day."
    assert deals.render(n=3) == "3 deals are past their due day."
    hours = env.from_string(
        '{{ ngettext("%(num)s hour", "%(num)s hours", q|float, num=q|number) }}'
    )
    assert hours.render(q=Decimal("3.00")) == "3 hours"
    assert hours.render(q=Decimal("1.00")) == "1 hour"
    assert hours.render(q=Decimal("1.50")) == "1.5 hours"
    token = i18n.set_locale("zh")
    try:
        assert hours.render(q=Decimal("3.00")) == "3 小时"
        assert deals.render(n=1) == "1 个交易已超过下一步期限。"
    finally:
        i18n.reset_locale(token)


def test_amounts_are_grouped_with_two_decimals():
    from decimal import Decimal

    from labline.web.render import environment

    money = environment().from_string("{{ v|money }}")
    assert money.render(v=Decimal("20000000")) == "20,000,000.00"
    assert money.render(v=Decimal("1234.5")) == "1,234.50"
    assert money.render(v=None) == "—"


def test_no_catalogue_holds_one_message_twice():
    """Catalogues merge by union across branches: a message added twice must be caught."""
    import re

    entry = re.compile(r'(?m)^(?:msgctxt "((?:[^"\\]|\\.)*)"\n)?msgid "((?:[^"\\]|\\.)*)"\n')
    for path in sorted(SRC.glob("*/locale/zh/LC_MESSAGES/messages.po")):
        keys = [(c, m) for c, m in entry.findall(path.read_text(encoding="utf-8")) if m]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        assert not twice, f"{path.parts[-5]}: {twice}"


def test_instrument_kinds_and_qualifications_have_chinese():
    from labline.facilities.demo.data import INSTRUMENTS
    from labline.facilities.qualifications import NAMES

    zh = i18n.catalogue("zh")
    for row in INSTRUMENTS:
        kind, qualification = row[4], row[9]
        assert zh.get(f"instrument kind{i18n.CONTEXT_SEP}{kind}"), kind
        if qualification:  # shown by its name (qualifications.NAMES), never by its code
            assert qualification in NAMES and zh.get(NAMES[qualification]), qualification
