"""The reason recorded with a decision (written by the committee service in English, with
numbers), reworded as sentences of the letter's language; unknown reasons pass through,
cleaned of the judges' identities."""

from __future__ import annotations

import re
from collections.abc import Callable

from labline.i18n import gettext as _


def _sub_reason(text: str) -> str:
    m = re.fullmatch(
        r"split reviews \(scores ([\d.]+)–([\d.]+)\) with an originality score of ([\d.]+)", text
    )
    if m:
        return _(
            "the reviewers disagreed (scores from %(low)s to %(high)s) and the originality"
            " score reached %(originality)s",
            low=m[1],
            high=m[2],
            originality=m[3],
        )
    m = re.fullmatch(
        r"rank uncertain: between (\d+) and (\d+), reaching the top (\S+) \(rank (\d+) or better\)",
        text,
    )
    if m:
        return _(
            "its rank was uncertain (between %(best)s and %(worst)s) and could reach the top"
            " %(share)s",
            best=m[1],
            worst=m[2],
            share=m[3],
        )
    if re.fullmatch(r"golden ticket from expert \d+", text):
        return _("a senior expert recommended it with a golden ticket")
    return text


def reasons_in_language(recorded: str, clean: Callable[[str], str]) -> list[str]:
    """The reason recorded with the decision, as sentences of the letter's language."""
    text = recorded.strip()
    patterns: list[tuple[str, Callable[[re.Match[str]], str]]] = [
        (
            r"funded: calibrated rank (\d+) within the budget",
            lambda m: _(
                "Funded: the proposal's calibrated rank, %(rank)s, lies within the budget.",
                rank=m[1],
            ),
        ),
        (
            r"funded by lot among (\d+) tied proposals \(seed (\d+)\)",
            lambda m: _(
                "Funded by lot: %(n)s proposals at the funding line could not be told apart,"
                " and a recorded draw (seed %(seed)s) chose among them.",
                n=m[1],
                seed=m[2],
            ),
        ),
        (
            r"waitlisted: not drawn in the lottery",
            lambda m: _(
                "Waitlisted: the proposal was among those tied at the funding line and was not"
                " drawn in the lottery."
            ),
        ),
        (
            r"waitlisted: calibrated rank (\d+), below the funding line",
            lambda m: _("Waitlisted: calibrated rank %(rank)s, below the funding line.", rank=m[1]),
        ),
        (
            r"rejected: calibrated rank (\d+), below the funding line",
            lambda m: _("Not funded: calibrated rank %(rank)s, below the funding line.", rank=m[1]),
        ),
        (r"not reviewed", lambda m: _("Not funded: the proposal received no reviews.")),
    ]
    for pattern, say in patterns:
        m = re.fullmatch(pattern, text)
        if m:
            return [say(m)]
    m = re.fullmatch(r"funded on the non-consensus track: (.*)", text, re.S)
    if m:
        parts = [p.strip() for p in re.split(r";|\n", m[1]) if p.strip()]
        why = "; ".join(clean(_sub_reason(p)) for p in parts)
        return [_("Funded on the non-consensus track: %(why)s.", why=why)]
    if not text:
        return []
    return [clean(text)]
