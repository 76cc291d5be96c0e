"""Validation errors speak the reader's language and name fields by their labels, not paths."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

import labline
from labline import i18n
from labline.errors import FIELD_PREFIX, invalid_input, validation_fields
from labline.fields import FIELD_LABELS, field_label
from labline.schemas import StrictInput
from labline.validation import TEMPLATES

SRC = Path(__file__).parents[2] / "src" / "labline"


@pytest.fixture()
def zh():
    token = i18n.set_locale("zh")
    yield
    i18n.reset_locale(token)


def _schema_messages() -> set[str]:
    """The fixed messages our validators raise (a `field: ` prefix cut, as the edge does)."""
    found: set[str] = set()
    for path in SRC.rglob("schemas.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func, args = node.exc.func, node.exc.args
            first = args[0] if args else None
            if (
                isinstance(func, ast.Name)
                and func.id == "ValueError"
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                named = FIELD_PREFIX.match(first.value)
                found.add(named.group(2) if named else first.value)
    return found


def _input_fields() -> set[str]:
    for info in pkgutil.walk_packages(labline.__path__, "labline."):
        if ".migrations" not in info.name:
            importlib.import_module(info.name)

    def walk(cls: type) -> set[type]:
        subs = set(cls.__subclasses__())
        return subs.union(*(walk(s) for s in subs)) if subs else set()

    return {name for model in walk(StrictInput) for name in model.model_fields}


def test_every_validator_message_has_chinese():
    zh = i18n.catalogue("zh")
    messages = _schema_messages()
    assert len(messages) > 30
    assert not sorted(m for m in messages if not zh.get(m))


def test_every_input_field_has_a_label_in_both_languages():
    fields = _input_fields()
    assert len(fields) > 150
    assert not sorted(fields - FIELD_LABELS.keys()), "add a label to labline/fields.py"
    zh = i18n.catalogue("zh")
    missing = [n for n, en in FIELD_LABELS.items() if not zh.get(f"field{i18n.CONTEXT_SEP}{en}")]
    assert not missing


def test_every_pydantic_template_has_chinese_with_the_same_placeholders():
    zh = i18n.catalogue("zh")
    for template in TEMPLATES.values():
        assert zh.get(template), template
        assert re.findall(r"%\(\w+\)s", template) == re.findall(r"%\(\w+\)s", zh[template])


def test_labels_not_paths(zh):
    assert field_label("modes.0") == "合作方式"
    assert field_label("scores.2.score") == "评分"
    assert field_label("industry_code") == "行业"


def _errors(model: type, data: dict) -> list:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return list(info.value.errors())


def test_pydantic_errors_in_chinese(zh):
    from labline.market.schemas import NeedCreate

    errors = _errors(NeedCreate, {"budget_min": -5, "surprise": 1})
    fields = {f.field: f.message for f in validation_fields(errors)}
    assert fields["surprise"] == "未知字段；此处不接受"
    assert "title_zh" in fields or "title" in fields or any("必填" in m for m in fields.values())
    for message in fields.values():
        assert not re.search(r"[A-Za-z]{4,}", message.replace("YYYY", "")), message
    summary = invalid_input(errors).message
    assert summary.startswith("以下字段填写有误：")
    assert "_" not in summary and "surprise" in summary


def test_english_keeps_pydantic_words():
    from labline.market.schemas import NeedCreate

    errors = _errors(NeedCreate, {})
    assert any(f.message == "Field required" for f in validation_fields(errors))
    assert invalid_input(errors).message.startswith("Some fields are not valid: ")


def test_bounds_in_chinese(zh):
    from labline.review.schemas import CriterionCreate

    data = {"code": "x", "name_zh": "a", "name_en": "a", "scale_max": 200, "weight": 999}
    messages = {f.field: f.message for f in validation_fields(_errors(CriterionCreate, data))}
    assert messages == {"scale_max": "不得大于 100", "weight": "不得大于 100"}
    data = {"code": "x", "name_zh": "a", "name_en": "a", "scale_min": 5, "scale_max": 3}
    messages = {f.field: f.message for f in validation_fields(_errors(CriterionCreate, data))}
    assert messages == {"scale_max": "必须大于评分下限"}


def test_api_answers_in_the_readers_language(client):
    r = client.get(
        "/api/v1/organisations",
        params={"kind": "castle", "per_page": 1000},
        headers={"accept-language": "zh-CN"},
    )
    assert r.status_code == 422
    err = r.json()["error"]
    fields = {f["field"]: f["message"] for f in err["fields"]}
    assert fields["per_page"] == "不得大于 100"
    assert fields["kind"].startswith("必须是 ")
    assert err["message"].startswith("以下字段填写有误：") and "每页条数" in err["message"]


ERRORS = {"FieldError", "InvalidInput", "NotFound", "NotPermitted", "Conflict", "NotSignedIn"}


def _error_messages() -> dict[str, str]:
    """Fixed messages of domain errors and field errors raised by services and pages (those
    only the command line shows, which name `--as`, excepted)."""
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path.name == "cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            name, args = node.func.id, node.args
            index = 1 if name == "FieldError" else 0
            if (name in ERRORS or name.endswith("Conflict")) and len(args) > index:
                arg = args[index]
                text = arg.value if isinstance(arg, ast.Constant) else None
                if isinstance(text, str) and "--as" not in text:
                    found[text] = str(path.relative_to(SRC))
    return found


def test_every_error_message_has_chinese():
    zh = i18n.catalogue("zh")
    messages = _error_messages()
    assert len(messages) > 200
    missing = sorted(f"{where}: {m}" for m, where in messages.items() if not zh.get(m))
    assert not missing, missing


def test_error_lists_name_fields_by_label_in_the_readers_language(zh) -> None:
    """The form pages' shared error list (market deals, offers, ledger, cap table, investors,
    instruments) shows a field's label, never its path ("tiers.1.from_sales")."""
    from labline.errors import FieldError
    from labline.web.render import environment

    template = environment().from_string(
        '{% import "_macros.html" as m with context %}{{ m.error_list(errors, "x-errors") }}'
    )
    html = template.render(errors=[FieldError("tiers.1.from_sales", "must be a number")])
    assert 'data-testid="x-errors"' in html
    assert "tiers.1" not in html and "from_sales" not in html, html
    assert field_label("from_sales") in html and field_label("from_sales") != "from sales", html
