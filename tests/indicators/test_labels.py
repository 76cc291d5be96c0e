"""Live figures split by GB/T 4754 division are named, not shown as raw codes."""

from __future__ import annotations

from labline import i18n
from labline.indicators import labels


def _in(locale: str, fn, *args):
    token = i18n.set_locale(locale)
    try:
        return fn(*args)
    finally:
        i18n.reset_locale(token)


def test_a_figure_by_division_is_named_by_the_figure_and_the_division():
    en = _in("en", labels.name, "team_investment_27")
    zh = _in("zh", labels.name, "team_investment_27")
    assert en == "Equity investment into teams · Manufacture of medicines"
    assert zh == "团队股权投资额 · 医药制造业"
    assert _in("en", labels.unit, "team_investment_27") == "10k CNY"


def test_codes_the_catalogue_does_not_know_stay_as_they_are():
    assert _in("en", labels.name, "no_such_figure_12") == "no_such_figure_12"
    assert _in("en", labels.name, "equity_investment_xx") == "equity_investment_xx"
    assert _in("en", labels.unit, "equity_investment_xx") == ""
