"""Check any schedule (the solver's or a manager's edit) against a cycle's rules.

Each violation names the experiments and shifts involved, so the app can refuse an edit
with a message a facility manager can act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from labline.facilities.engine.cycle import (
    Cycle,
    Experiment,
    Placement,
    Prepared,
    prepare,
    runs,
    span_text,
)


@dataclass(frozen=True)
class Violation:
    kind: str  # overlap, changeover, closed, unavailable, contact_busy, contact_unavailable,
    # window, length, outside, unknown, duplicate
    experiments: tuple[str, ...]
    message: str
    shifts: tuple[int, int] | None = None  # [first, last + 1) where it happens


# ---------------------------------------------------------------- shared preparation


def validate(
    cycle: Cycle, placements: Mapping[str, Placement] | Iterable[Placement]
) -> list[Violation]:
    """Every rule a (possibly hand-edited) schedule breaks, each with a specific message."""
    prep = prepare(cycle)
    items = list(placements.values()) if isinstance(placements, Mapping) else list(placements)
    n = cycle.n_shifts
    out: list[Violation] = []
    seen: dict[str, Placement] = {}
    for p in items:
        e = prep.experiments.get(p.experiment_id)
        who = (p.experiment_id,)
        if e is None:
            out.append(Violation("unknown", who, f"no experiment {p.experiment_id} in this cycle"))
            continue
        if e.id in seen:
            out.append(Violation("duplicate", who, f"{e.id} is placed more than once"))
            continue
        seen[e.id] = p
        if p.end - p.start != e.shifts_awarded:
            out.append(
                Violation(
                    "length",
                    who,
                    f"{e.id} is placed for {p.end - p.start} shifts but was awarded "
                    f"{e.shifts_awarded}",
                    (p.start, p.end),
                )
            )
        if p.start < 0 or p.end > n or p.start >= p.end:
            out.append(
                Violation("outside", who, f"{e.id} is not within the cycle (shifts 0–{n - 1})")
            )
            continue
        out.extend(_shift_rules(prep, e, p))
    out.extend(_pair_rules(prep, seen))
    return sorted(out, key=lambda v: (v.shifts or (-1, -1), v.kind, v.experiments))


def _shift_rules(prep: Prepared, e: Experiment, p: Placement) -> list[Violation]:
    cycle, who, out = prep.cycle, (e.id,), []
    inst = prep.instruments[e.instrument_id]
    lo, hi = p.start, p.end
    closed = ~prep.mask(inst.shifts_available)[lo:hi]
    for a, b in runs(closed, lo):
        text = f"{e.id} covers {span_text(cycle, a, b)} when {inst.id} is closed"
        out.append(Violation("closed", who, text + " (shutdown or maintenance)", (a, b)))
    for a, b in runs(prep.mask(e.unavailable_shifts)[lo:hi], lo):
        text = f"{e.id} covers {span_text(cycle, a, b)}, which its users declared unavailable"
        out.append(Violation("unavailable", who, text, (a, b)))
    if e.local_contact is not None:
        lc = prep.contacts[e.local_contact]
        for a, b in runs(~prep.mask(lc.available_shifts)[lo:hi], lo):
            text = f"local contact {lc.id} of {e.id} is not available at {span_text(cycle, a, b)}"
            out.append(Violation("contact_unavailable", who, text, (a, b)))
    if e.earliest is not None and lo < e.earliest:
        text = f"{e.id} starts at shift {lo}, before its earliest shift {e.earliest}"
        out.append(Violation("window", who, text, (lo, hi)))
    if e.latest is not None and hi > e.latest:
        text = f"{e.id} ends at shift {hi}, after its latest end {e.latest}"
        out.append(Violation("window", who, text, (lo, hi)))
    return out


def _pair_rules(prep: Prepared, placed: dict[str, Placement]) -> list[Violation]:
    cycle, out = prep.cycle, []
    reach = max((i.setup_change_shifts for i in cycle.instruments), default=0)
    ordered = sorted(placed.values(), key=lambda p: (p.start, p.end, p.experiment_id))
    for k, p in enumerate(ordered):
        a = prep.experiments[p.experiment_id]
        for q in ordered[k + 1 :]:
            if q.start >= p.end + reach:
                break  # sorted by start: no later block can clash with p
            b = prep.experiments[q.experiment_id]
            who = (a.id, b.id)
            lo, hi = q.start, min(p.end, q.end)  # q starts no earlier than p
            same_inst = a.instrument_id == b.instrument_id
            if same_inst and lo < hi:
                text = (
                    f"{a.id} and {b.id} overlap on {a.instrument_id} at {span_text(cycle, lo, hi)}"
                )
                out.append(Violation("overlap", who, text, (lo, hi)))
            elif same_inst and a.setup != b.setup:
                change = prep.instruments[a.instrument_id].setup_change_shifts
                gap = q.start - p.end
                if gap < change:
                    text = (
                        f"{a.id} (setup {a.setup!r}) and {b.id} (setup {b.setup!r}) on "
                        f"{a.instrument_id} are {gap} shift(s) apart; changing setup takes "
                        f"{change}"
                    )
                    out.append(Violation("changeover", who, text, (p.end, p.end + change)))
            if a.local_contact is not None and a.local_contact == b.local_contact and lo < hi:
                text = (
                    f"local contact {a.local_contact} would support {a.id} and {b.id} at once "
                    f"at {span_text(cycle, lo, hi)}"
                )
                out.append(Violation("contact_busy", who, text, (lo, hi)))
    return out
