"""Every message shown in the interface has a Chinese translation; pages switch language."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from labline import i18n
from labline.core.models import OrganisationKind, OrganisationSize, Role

SRC = Path(__file__).parents[2] / "src" / "labline"


KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}


def _messages() -> set[str]:
    """Catalogue keys of every message in the source: the id, or context\x04id."""
    found: set[str] = set()
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for _f, _l, msg, _c, ctx in extract_from_dir(
        str(SRC), method_map=method_map, options_map=options, keywords=KEYWORDS
    ):
        for m in msg[:1] if isinstance(msg, tuple) else (msg,):  # a plural's singular
            if m:
                found.add(f"{ctx}{i18n.CONTEXT_SEP}{m}" if ctx else m)
    # Enum values shown through _(value.replace('_', ' ')) in templates.
    for enum in (Role, OrganisationKind, OrganisationSize):
        found |= {e.value.replace("_", " ") for e in enum}
    return found


def test_every_interface_message_has_a_chinese_translation():
    zh = i18n.catalogue("zh")
    messages = _messages()
    assert len(messages) > 80
    plural = i18n.plurals("zh")
    missing = sorted(m for m in messages if not zh.get(m) and m not in plural)
    assert not missing, f"untranslated: {missing}"


def test_placeholders_survive_translation():
    zh = i18n.catalogue("zh")
    import re

    named = re.compile(r"%\([a-z_]+\)s")

    def bare(text: str) -> bool:
        return "%" in named.sub("", text).replace("%%", "")

    for msgid, msgstr in zh.items():
        assert sorted(named.findall(msgid)) == sorted(named.findall(msgstr)), msgid
        # A message that is %-formatted must not gain a bare % in translation.
        assert not (bare(msgstr) and not bare(msgid)), (msgid, msgstr)


def test_negotiation_and_pick():
    assert i18n.negotiate("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert i18n.negotiate("en-GB") == "en"
    assert i18n.negotiate(None) == "en"
    token = i18n.set_locale("zh")
    try:
        assert i18n.pick("机构", "Organisation") == "机构"
        assert i18n.pick("", "Organisation") == "Organisation"
        assert i18n.gettext("Sign in") == "登录"
    finally:
        i18n._locale.reset(token)


def test_template_messages_escape_percent_signs():
    """Jinja's newstyle gettext %-formats every template message: a bare % breaks the page."""
    import re

    found = set()
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for _f, _l, msg, _c, _ctx in extract_from_dir(
        str(SRC), method_map=[("**/templates/**.html", "jinja2")], options_map=options
    ):
        found |= {m for m in (msg if isinstance(msg, tuple) else (msg,)) if m}
    bare = sorted(m for m in found if "%" in re.sub(r"%%|%\([a-z_]+\)s", "", m))
    assert not bare, f"use %% for a literal percent sign: {bare}"
