"""Decision reasons and non-consensus flags as codes with parameters, rendered in one place.

The committee, the analysis and the call's close store a reason as a small JSON object
(`{"code": "rejected_rank", "rank": 48}`); nothing parses text back. Two renderings:
`record` is the terse English line the API and the CLI have always shown (an API contract,
so it never depends on the reader); `sentences` / `flag_sentence` are the applicant-facing
sentences in the reader's language (letters, pages), through the zh catalogue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from labline.i18n import gettext as _

Reason = dict[str, Any]

# --- constructors (the only place a code is spelled when a reason is made) ------------------


def funded_rank(rank: int | None) -> Reason:
    return {"code": "funded_rank", "rank": rank}


def funded_lottery(n: int, seed: int) -> Reason:
    return {"code": "funded_lottery", "n": n, "seed": seed}


def funded_non_consensus(flags: Sequence[Reason]) -> Reason:
    return {"code": "funded_non_consensus", "flags": list(flags)}


def waitlisted_not_drawn() -> Reason:
    return {"code": "waitlisted_not_drawn"}


def waitlisted_rank(rank: int | None) -> Reason:
    return {"code": "waitlisted_rank", "rank": rank}


def rejected_rank(rank: int | None) -> Reason:
    return {"code": "rejected_rank", "rank": rank}


def not_reviewed() -> Reason:
    return {"code": "not_reviewed"}


def ineligible(problems: Sequence[Reason]) -> Reason:
    return {"code": "ineligible", "problems": list(problems)}


def organisation_kind() -> Reason:
    """An eligibility problem: funds and government offices cannot apply."""
    return {"code": "organisation_kind", "field": "organisation_id"}


def over_limit(limit: str) -> Reason:
    """An eligibility problem: the request is above the call's limit."""
    return {"code": "over_limit", "field": "requested_budget", "limit": limit}


def split_originality(low: float, high: float, originality: float) -> Reason:
    """A flag: split reviews with a high originality score (numbers as shown, 2 decimals)."""
    return {
        "code": "split_originality",
        "low": f"{low:.2f}",
        "high": f"{high:.2f}",
        "originality": f"{originality:.2f}",
    }


def rank_uncertain(best: int, worst: int, share: float, cutoff: int) -> Reason:
    return {
        "code": "rank_uncertain",
        "best": best,
        "worst": worst,
        "share": f"{share:.0%}",
        "cutoff": cutoff,
    }


def golden_ticket(expert_id: int | None) -> Reason:
    return {"code": "golden_ticket", "expert_id": expert_id}


def text(value: str) -> Reason:
    """Free text kept as it was (rows older than the codes that no pattern matched)."""
    return {"code": "text", "text": value}


# --- the English record (API, CLI, the committee's views) ------------------------------------


def problem_record(p: Reason) -> str:
    """One eligibility problem as `field: message` (the form error's English wording)."""
    if p["code"] == "organisation_kind":
        return "organisation_id: funds and government offices cannot apply"
    if p["code"] == "over_limit":
        return f"requested_budget: more than this call's limit of {p['limit']}"
    return str(p.get("text", ""))


def flag_record(f: Reason) -> str:
    code = f["code"]
    if code == "split_originality":
        return (
            f"split reviews (scores {f['low']}–{f['high']}) with an originality score of"
            f" {f['originality']}"
        )
    if code == "rank_uncertain":
        return (
            f"rank uncertain: between {f['best']} and {f['worst']}, reaching the top"
            f" {f['share']} (rank {f['cutoff']} or better)"
        )
    if code == "golden_ticket":
        return f"golden ticket from expert {f['expert_id']}"
    return str(f.get("text", ""))


def flags_record(flags: Sequence[Reason] | None) -> str:
    return "\n".join(flag_record(f) for f in flags or ())


def record(reason: Reason | None) -> str:
    """The decision's reason as the terse English line of the API (empty before a decision)."""
    if not reason:
        return ""
    code = reason["code"]
    simple = {
        "funded_rank": "funded: calibrated rank {rank} within the budget",
        "funded_lottery": "funded by lot among {n} tied proposals (seed {seed})",
        "waitlisted_not_drawn": "waitlisted: not drawn in the lottery",
        "waitlisted_rank": "waitlisted: calibrated rank {rank}, below the funding line",
        "rejected_rank": "rejected: calibrated rank {rank}, below the funding line",
        "not_reviewed": "not reviewed",
    }
    if code in simple:
        return simple[code].format(**reason)
    if code == "funded_non_consensus":
        return "funded on the non-consensus track: " + "; ".join(
            flag_record(f) for f in reason["flags"]
        )
    if code == "ineligible":
        return "; ".join(problem_record(p) for p in reason["problems"])
    return str(reason.get("text", ""))


# --- sentences in the reader's language (letters, pages) -------------------------------------


def flag_sentence(f: Reason, *, named: bool = False) -> str:
    """A non-consensus flag as a clause in the reader's language; `named` (the committee's
    view) keeps the golden ticket's expert."""
    code = f["code"]
    if code == "split_originality":
        return _(
            "the reviewers disagreed (scores from %(low)s to %(high)s) and the originality"
            " score reached %(originality)s",
            low=f["low"],
            high=f["high"],
            originality=f["originality"],
        )
    if code == "rank_uncertain":
        return _(
            "its rank was uncertain (between %(best)s and %(worst)s) and could reach the top"
            " %(share)s",
            best=f["best"],
            worst=f["worst"],
            share=f["share"],
        )
    if code == "golden_ticket":
        if named:
            return _("golden ticket from expert %(expert)s", expert=f["expert_id"])
        return _("a senior expert recommended it with a golden ticket")
    return str(f.get("text", ""))


def flags_text(flags: Sequence[Reason] | None) -> str:
    """The non-consensus flags for the committee's pages, in the reader's language."""
    return "; ".join(flag_sentence(f, named=True) for f in flags or ())


def problem_sentence(p: Reason) -> str:
    if p["code"] == "organisation_kind":
        return _("funds and government offices cannot apply")
    if p["code"] == "over_limit":
        return _("the request is more than this call's limit of %(limit)s", limit=p["limit"])
    return str(p.get("text", ""))


def sentences(reason: Reason | None, clean: Callable[[str], str] = str) -> list[str]:
    """The decision's reason as sentences of the reader's language; `clean` removes the
    judges' identities from any free text."""
    if not reason:
        return []
    code = reason["code"]
    if code == "funded_rank":
        return [
            _(
                "Funded: the proposal's calibrated rank, %(rank)s, lies within the budget.",
                rank=reason["rank"],
            )
        ]
    if code == "funded_lottery":
        return [
            _(
                "Funded by lot: %(n)s proposals at the funding line could not be told apart,"
                " and a recorded draw (seed %(seed)s) chose among them.",
                n=reason["n"],
                seed=reason["seed"],
            )
        ]
    if code == "waitlisted_not_drawn":
        return [
            _(
                "Waitlisted: the proposal was among those tied at the funding line and was not"
                " drawn in the lottery."
            )
        ]
    if code == "waitlisted_rank":
        return [
            _("Waitlisted: calibrated rank %(rank)s, below the funding line.", rank=reason["rank"])
        ]
    if code == "rejected_rank":
        return [
            _("Not funded: calibrated rank %(rank)s, below the funding line.", rank=reason["rank"])
        ]
    if code == "not_reviewed":
        return [_("Not funded: the proposal received no reviews.")]
    if code == "funded_non_consensus":
        why = "; ".join(clean(flag_sentence(f)) for f in reason["flags"])
        return [_("Funded on the non-consensus track: %(why)s.", why=why)]
    if code == "ineligible":
        problems = "; ".join(clean(problem_sentence(p)) for p in reason["problems"])
        return [_("Not eligible for this call: %(problems)s", problems=problems)]
    body = str(reason.get("text", "")).strip()
    return [clean(body)] if body else []
