"""Pydantic's validation messages in the reader's language.

Pydantic writes its messages in English ("Input should be less than or equal to 9"). Each
kind of error (its `type`) has a message template here whose Chinese is in the web
catalogue; the numbers and choices come from the error's `ctx`. Our own validators'
messages ("cannot be negative") are catalogue entries themselves.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from labline import i18n
from labline.i18n import N_

EXTRA_FORBIDDEN = N_("unknown field; it is not accepted here")

TEMPLATES: dict[str, str] = {
    "missing": N_("Field required"),
    "string_too_short": N_("String should have at least %(min_length)s characters"),
    "string_too_long": N_("String should have at most %(max_length)s characters"),
    "too_short": N_("should have at least %(min_length)s items"),
    "too_long": N_("should have at most %(max_length)s items"),
    "greater_than": N_("Input should be greater than %(gt)s"),
    "greater_than_equal": N_("Input should be greater than or equal to %(ge)s"),
    "less_than": N_("Input should be less than %(lt)s"),
    "less_than_equal": N_("Input should be less than or equal to %(le)s"),
    "multiple_of": N_("Input should be a multiple of %(multiple_of)s"),
    "finite_number": N_("Input should be a finite number"),
    "int_parsing": N_("Input should be a whole number"),
    "int_type": N_("Input should be a whole number"),
    "int_from_float": N_("Input should be a whole number"),
    "float_parsing": N_("Input should be a number"),
    "float_type": N_("Input should be a number"),
    "decimal_parsing": N_("Input should be a number"),
    "decimal_type": N_("Input should be a number"),
    "decimal_max_digits": N_("Input should have no more than %(max_digits)s digits in total"),
    "decimal_max_places": N_("Input should have no more than %(decimal_places)s decimal places"),
    "decimal_whole_digits": N_(
        "Input should have no more than %(whole_digits)s digits before the decimal point"
    ),
    "bool_parsing": N_("Input should be yes or no"),
    "bool_type": N_("Input should be yes or no"),
    "date_parsing": N_("Input should be a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("Input should be a date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": N_("Input should be a date (YYYY-MM-DD)"),
    "date_type": N_("Input should be a date (YYYY-MM-DD)"),
    "datetime_parsing": N_("Input should be a date and time (YYYY-MM-DDTHH:MM+08:00)"),
    "datetime_from_date_parsing": N_("Input should be a date and time (YYYY-MM-DDTHH:MM+08:00)"),
    "datetime_type": N_("Input should be a date and time (YYYY-MM-DDTHH:MM+08:00)"),
    "time_parsing": N_("Input should be a time (HH:MM)"),
    "time_type": N_("Input should be a time (HH:MM)"),
    "timezone_aware": N_("Input should have a time zone offset, e.g. +08:00"),
    "enum": N_("Input should be %(expected)s"),
    "literal_error": N_("Input should be %(expected)s"),
    "string_type": N_("Input should be text"),
    "string_pattern_mismatch": N_("Input is not in the expected form"),
    "list_type": N_("Input should be a list"),
    "dict_type": N_("Input should be an object"),
    "model_type": N_("Input should be an object"),
    "model_attributes_type": N_("Input should be an object"),
    "json_invalid": N_("Input is not valid JSON"),
    "url_parsing": N_("Input should be a web address"),
    "url_type": N_("Input should be a web address"),
    "url_scheme": N_("Input should be a web address"),
    "uuid_parsing": N_("Input should be a UUID"),
}


def _value(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if i18n.get_locale() == "zh":  # "'a', 'b' or 'c'" as Chinese writes a choice
        text = text.replace(" or ", " 或 ")
    return text


def message(err: dict[str, Any], text: str) -> str:
    """The message for one pydantic error; `text` is its message with any field prefix cut.

    English readers keep pydantic's own words (which tests and API clients know);
    others read the template's translation with the error's numbers and choices.
    """
    kind = err.get("type")
    if kind == "extra_forbidden":
        return i18n.gettext(EXTRA_FORBIDDEN)
    if kind in ("value_error", "assertion_error") or kind not in TEMPLATES:
        return i18n.gettext(text)
    if i18n.get_locale() == "en":
        return text
    params = {k: _value(v) for k, v in (err.get("ctx") or {}).items()}
    try:
        return i18n.gettext(TEMPLATES[str(kind)]) % params
    except (KeyError, TypeError, ValueError):
        return text
