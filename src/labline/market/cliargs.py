"""Argument parsing shared by the market's commands (the records' and the sub-features')."""

from __future__ import annotations

from datetime import date

import click


def parse_day(value: str, name: str) -> date:
    """A YYYY-MM-DD option's value, or a usage error naming the option."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None
