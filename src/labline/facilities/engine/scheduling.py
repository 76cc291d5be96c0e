"""Beamtime scheduling: place the awarded shifts of ranked proposals on instrument calendars.

Pure functions over the dataclasses of `labline.facilities.engine.cycle` (no database, no web).

The CP-SAT model (`_solve`, used on any subset of experiments). One optional fixed-size
interval per experiment. Its start variable's *domain* is the set of starts where the whole
block lies in open instrument shifts, avoids the users' unavailable shifts, fits the local
contact's availability and the experiment's earliest/latest window, so closed and
unavailable shifts need no further constraint. A NoOverlap per instrument, one per local
contact across instruments. Objective: max Σ priority × shifts_awarded × present.

Setup changeover: two experiments with different setups on one instrument need
c = setup_change_shifts shifts between them, whichever comes first. For each such pair a
two-interval NoOverlap over the blocks extended by c at their end: [s_a, e_a + c) and
[s_b, e_b + c) are disjoint iff e_a + c ≤ s_b or e_b + c ≤ s_a, which is exactly the rule.
Pairwise rules are enough although only neighbours really switch: any chain of blocks
between two different-setup experiments contains a setup change, so their gap is ≥ c anyway
(0/c changeover times obey the triangle inequality). Unlike lengthening every block by c,
this charges nothing between same-setup experiments or after the last one. Changeover
counts calendar shifts and may fall on closed shifts (staff reconfigure during
maintenance); the cycle starts with no setup, so the first experiment needs none.

Redundant rows for the LP bound: each block lies inside one maximal run of open shifts, so
a knapsack row per run (a 45-shift block cannot use two 20-shift gaps between machine days).

Search (`schedule`). On a full facility one CP-SAT model over all experiments progresses
slowly, while each instrument alone solves in well under a second; instruments are coupled
only through local contacts. So: (1) half the time on each instrument alone, its contacts'
duties elsewhere ignored: a relaxation whose per-instrument bounds (each the tighter of
CP-SAT's and a knapsack's) add up to a valid upper bound; (2) rounds re-optimising one
instrument at a time with all others fixed, the contacts' busy shifts there removed from
the start domains, starting from the greedy schedule; (3) the time left on the full model,
hinted with the result (it can trade a contact's time between instruments; its bound
counts too). Reported upper bound: the tighter of that CP-SAT bound and an independent
per-instrument 0/1 knapsack over usable shifts.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # imported when a schedule is solved: OR-Tools (and pandas) cost 1-2 s
    from ortools.sat.python import cp_model

from labline.facilities.engine.cycle import (
    Cycle,
    Experiment,
    Instrument,
    LocalContact,
    Placement,
    Prepared,
    blocked,
    candidates_by,
    coverage,
    prepare,
    runs,
    value_of,
    window_starts,
)
from labline.facilities.engine.validation import Violation, validate

__all__ = [
    "Cycle",
    "Experiment",
    "Instrument",
    "LocalContact",
    "Placement",
    "Schedule",
    "Violation",
    "greedy_schedule",
    "schedule",
    "validate",
]

_SCALE = 1000  # CP-SAT needs integer objective coefficients; priorities are floats


@dataclass
class Schedule:
    placements: dict[str, Placement]
    unplaced: dict[str, str]  # experiment id → reason
    awarded: float  # Σ priority × shifts × shift_hours over placed experiments
    upper_bound: float  # the tighter of the valid bounds below
    knapsack_bound: float
    cpsat_bound: float | None
    gap: float  # (upper_bound − awarded) / upper_bound
    seconds: float
    status: str  # OPTIMAL (proved) or FEASIBLE
    solver: str  # "cp-sat" or "greedy"
    hours: float = 0.0  # unweighted hours placed
    stats: dict[str, float] = field(default_factory=dict)


def _explain(prep: Prepared, e: Experiment, placed: Mapping[str, Placement]) -> str:
    if e.id in prep.reasons:
        return prep.reasons[e.id]
    d, starts = e.shifts_awarded, prep.start_ok[e.id]
    reach = coverage(prep, [e.id])
    inst_busy, inst_who = blocked(prep, e, placed, contact=False)
    lc_busy, lc_who = blocked(prep, e, placed, contact=True)

    def names(who: dict[str, tuple[int, int]]) -> str:
        return ", ".join(sorted(i for i, (lo, hi) in who.items() if reach[lo:hi].any()))

    inst_free = starts & window_starts(~inst_busy, d)
    if not inst_free.any():
        return (
            f"no room on {e.instrument_id}: each of its {int(starts.sum())} feasible starts "
            f"collides with placed experiments or their setup changeover ({names(inst_who)})"
        )
    both = inst_free & window_starts(~lc_busy, d)
    if not both.any():
        return (
            f"local contact {e.local_contact} is busy with {names(lc_who)} "
            f"whenever {e.instrument_id} has room"
        )
    if e.priority == 0:
        return "priority 0: placing it gains nothing"
    return f"fits at shift {int(np.argmax(both))} but was left out (solver stopped early)"


def _knapsack_bounds(prep: Prepared) -> dict[str, float]:
    """Per instrument, the best value whose shifts fit in the instrument's usable shifts.

    Valid because placed blocks on one instrument occupy disjoint usable shifts; it ignores
    changeovers, contiguity and local contacts, so it is loose but independent of CP-SAT.
    """
    out: dict[str, float] = {}
    for inst, ids in candidates_by(prep, "instrument_id").items():
        cap = int(coverage(prep, ids).sum())
        best = np.zeros(cap + 1)
        for i in ids:
            e = prep.experiments[i]
            w = e.shifts_awarded
            if w <= cap:
                best[w:] = np.maximum(best[w:], best[:-w] + value_of(e, prep.cycle.shift_hours))
        out[inst] = float(best[-1])
    return out


def _greedy(prep: Prepared) -> dict[str, Placement]:
    """Rank order (stable on input order), each at its earliest feasible start."""
    n = prep.cycle.n_shifts
    placed: dict[str, Placement] = {}
    on_inst: dict[str, list[Placement]] = {i: [] for i in prep.instruments}
    lc_busy = {c: np.zeros(n, dtype=bool) for c in prep.contacts}
    order = sorted(
        (e for e in prep.cycle.experiments if e.id not in prep.reasons), key=lambda e: -e.priority
    )
    for e in order:
        change = prep.instruments[e.instrument_id].setup_change_shifts
        lc = e.local_contact
        busy = lc_busy[lc].copy() if lc is not None else np.zeros(n, dtype=bool)
        for p in on_inst[e.instrument_id]:
            gap = change if prep.experiments[p.experiment_id].setup != e.setup else 0
            busy[max(p.start - gap, 0) : p.end + gap] = True
        free = prep.start_ok[e.id] & window_starts(~busy, e.shifts_awarded)
        if free.any():
            s = int(np.argmax(free))
            p = Placement(e.id, s, s + e.shifts_awarded)
            placed[e.id] = p
            on_inst[e.instrument_id].append(p)
            if lc is not None:
                lc_busy[lc][p.start : p.end] = True
    return placed


def _total(prep: Prepared, placed: Mapping[str, Placement]) -> float:
    return sum(value_of(prep.experiments[i], prep.cycle.shift_hours) for i in placed)


def _result(
    prep: Prepared,
    placed: dict[str, Placement],
    *,
    started: float,
    solver: str,
    cpsat_bound: float | None = None,
    proved: bool = False,
    stats: dict[str, float] | None = None,
) -> Schedule:
    awarded = _total(prep, placed)
    knapsack = sum(_knapsack_bounds(prep).values())
    upper = knapsack if cpsat_bound is None else min(knapsack, cpsat_bound)
    upper = max(upper, awarded)  # float noise only: both bounds are ≥ any feasible value
    gap = (upper - awarded) / upper if upper > 0 else 0.0
    return Schedule(
        placements=placed,
        unplaced={
            e.id: _explain(prep, e, placed) for e in prep.cycle.experiments if e.id not in placed
        },
        awarded=awarded,
        upper_bound=upper,
        knapsack_bound=knapsack,
        cpsat_bound=cpsat_bound,
        gap=gap,
        seconds=time.perf_counter() - started,
        status="OPTIMAL" if proved or gap < 1e-9 else "FEASIBLE",
        solver=solver,
        hours=sum(p.end - p.start for p in placed.values()) * prep.cycle.shift_hours,
        stats=stats or {},
    )


def greedy_schedule(cycle: Cycle) -> Schedule:
    """The rank-order baseline: highest priority first, each at its earliest feasible start."""
    started = time.perf_counter()
    prep = prepare(cycle)
    return _result(prep, _greedy(prep), started=started, solver="greedy")


@dataclass
class _Part:
    placed: dict[str, Placement]
    bound: float  # upper bound on this part's value, in priority-weighted hours
    optimal: bool


def _contact_busy(prep: Prepared, placed: Mapping[str, Placement]) -> dict[str, np.ndarray]:
    busy: dict[str, np.ndarray] = {}
    for i, p in placed.items():
        lc = prep.experiments[i].local_contact
        if lc is not None:
            busy.setdefault(lc, np.zeros(prep.cycle.n_shifts, dtype=bool))[p.start : p.end] = True
    return busy


def _fits(prep: Prepared, placed: Mapping[str, Placement], busy: Mapping[str, np.ndarray]) -> bool:
    for i, p in placed.items():
        lc = prep.experiments[i].local_contact
        if lc is not None and lc in busy and busy[lc][p.start : p.end].any():
            return False
    return True


def schedule(
    cycle: Cycle, *, time_limit_s: float = 30.0, workers: int = 2, seed: int = 0
) -> Schedule:
    """Maximise priority-weighted awarded time with CP-SAT (see the module docstring)."""
    started = time.perf_counter()
    deadline = started + time_limit_s
    prep = prepare(cycle)
    placed = _greedy(prep)
    greedy_value = _total(prep, placed)
    groups = candidates_by(prep, "instrument_id")
    size = sum(len(ids) for ids in groups.values()) or 1
    opts = {"workers": workers, "seed": seed}

    def share(ids: list[str], part: float) -> float:  # time for one instrument, by its size
        left = deadline - time.perf_counter()
        return max(0.05, min(part * time_limit_s * len(ids) / size, left))

    # (1) Each instrument alone: the sum of their bounds bounds the whole cycle. Smallest
    # first, so the time the easy ones do not need goes to the hard ones.
    relaxed: dict[str, _Part] = {}
    todo = sum(len(ids) for ids in groups.values())
    for inst, ids in sorted(groups.items(), key=lambda kv: len(kv[1])):
        left = started + 0.5 * time_limit_s - time.perf_counter()
        limit = max(0.05, left * len(ids) / todo)
        relaxed[inst] = _solve(prep, ids, busy={}, hint=placed, time_limit_s=limit, **opts)
        todo -= len(ids)
    # Per instrument the tighter of its CP-SAT bound and its knapsack bound.
    knapsack = _knapsack_bounds(prep)
    for inst, part in relaxed.items():
        part.bound = min(part.bound, knapsack[inst])
    relax_bound = sum(part.bound for part in relaxed.values())

    # (2) One instrument at a time, the others fixed, until a round changes nothing.
    rounds, tried = 0, dict.fromkeys(groups, b"")
    improved = True
    while improved and time.perf_counter() < deadline - 0.1 * time_limit_s:
        improved, rounds = False, rounds + 1
        for inst, ids in groups.items():
            mine = {i: placed[i] for i in ids if i in placed}
            if _total(prep, mine) >= relaxed[inst].bound - 1e-9:
                continue  # already as good as this instrument alone can be
            others = {i: p for i, p in placed.items() if i not in mine}
            busy = _contact_busy(prep, others)
            better = relaxed[inst].placed
            if not _fits(prep, better, busy) or _total(prep, better) <= _total(prep, mine):
                mine_lc = {prep.experiments[i].local_contact for i in ids}
                key = b"".join(busy[c].tobytes() for c in sorted(busy) if c in mine_lc)
                if key == tried[inst]:
                    continue  # same surroundings as the last attempt
                tried[inst] = key
                part = _solve(prep, ids, busy=busy, hint=mine, time_limit_s=share(ids, 0.2), **opts)
                better = part.placed
            if _total(prep, better) > _total(prep, mine) + 1e-9:
                placed, improved = others | better, True

    # (3) The full model, hinted with the result, for the time left.
    proved = all(
        part.optimal
        and _total(prep, {i: placed[i] for i in groups[inst] if i in placed})
        >= _total(prep, part.placed) - 1e-9
        for inst, part in relaxed.items()
    )
    full_bound = None
    left = deadline - time.perf_counter()
    if not proved and left > 0.5:
        full = _solve(prep, list(prep.start_ok), busy={}, hint=placed, time_limit_s=left, **opts)
        if _total(prep, full.placed) > _total(prep, placed) + 1e-9:
            placed = full.placed
        full_bound, proved = full.bound, full.optimal
    stats = {
        "greedy_awarded": greedy_value,
        "relaxation_bound": relax_bound,
        "full_model_bound": full_bound if full_bound is not None else float("nan"),
        "rounds": float(rounds),
        "instruments_proved": float(sum(part.optimal for part in relaxed.values())),
    }
    bound = relax_bound if full_bound is None else min(relax_bound, full_bound)
    return _result(
        prep, placed, started=started, solver="cp-sat", cpsat_bound=bound, proved=proved,
        stats=stats,
    )  # fmt: skip


def _solve(
    prep: Prepared,
    ids: list[str],
    *,
    busy: Mapping[str, np.ndarray],
    hint: Mapping[str, Placement],
    time_limit_s: float,
    workers: int,
    seed: int,
) -> _Part:
    """CP-SAT over the experiments `ids`; `busy` holds each local contact's shifts taken
    by experiments outside `ids` (they shrink the start domains)."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    start: dict[str, cp_model.IntVar] = {}
    present: dict[str, cp_model.IntVar] = {}
    block: dict[str, cp_model.IntervalVar] = {}
    hints: dict[str, int] = {}  # starts of the hinted blocks
    objective, slack = [], 0.0  # slack: how far rounding the weights can understate
    for i in ids:
        e = prep.experiments[i]
        d, ok = e.shifts_awarded, prep.start_ok[i]
        lc = e.local_contact
        if lc is not None and lc in busy:
            ok = ok & window_starts(~busy[lc], d)
        values = np.flatnonzero(ok)
        if values.size == 0:
            continue
        domain = cp_model.Domain.from_values(values.tolist())
        start[i] = s = model.new_int_var_from_domain(domain, f"start[{i}]")
        present[i] = p = model.new_bool_var(f"present[{i}]")
        block[i] = model.new_optional_fixed_size_interval_var(s, d, p, f"block[{i}]")
        exact = e.priority * d * _SCALE
        objective.append(round(exact) * p)
        slack += max(exact - round(exact), 0.0)
        if i in hint and ok[hint[i].start]:
            hints[i] = hint[i].start
        model.add_hint(p, i in hints)
        model.add_hint(s, hints.get(i, int(values[0])))
    kept = [i for i in ids if i in start]
    for inst_id, group in _group(prep, kept, "instrument_id").items():
        model.add_no_overlap([block[i] for i in group])
        _add_runs(model, prep, inst_id, group, start, present, hints)
        change = prep.instruments[inst_id].setup_change_shifts
        if change > 0:
            _add_changeovers(model, prep, group, start, present, change)
    for group in _group(prep, kept, "local_contact").values():
        if len(group) > 1:
            model.add_no_overlap([block[i] for i in group])
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit_s, 0.05)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.solve(model)
    to_hours = prep.cycle.shift_hours / _SCALE
    bound = (solver.best_objective_bound + slack) * to_hours
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Part({i: hint[i] for i in hints}, bound, False)  # keep the hint
    placed = {
        i: Placement(i, v, v + prep.experiments[i].shifts_awarded)
        for i in kept
        for v in [solver.value(start[i])]
        if solver.boolean_value(present[i])
    }
    return _Part(placed, bound, code == cp_model.OPTIMAL)


def _group(prep: Prepared, ids: list[str], attr: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for i in ids:
        key = getattr(prep.experiments[i], attr)
        if key is not None:
            groups.setdefault(key, []).append(i)
    return groups


def _add_runs(
    model: cp_model.CpModel,
    prep: Prepared,
    inst_id: str,
    ids: list[str],
    start: dict[str, cp_model.IntVar],
    present: dict[str, cp_model.IntVar],
    hints: Mapping[str, int],
) -> None:
    """Each block lies inside one maximal run of open shifts: a knapsack row per run."""
    cover = coverage(prep, ids)
    spans = runs(prep.mask(prep.instruments[inst_id].shifts_available))
    load: dict[int, list[tuple[int, cp_model.IntVar]]] = {r: [] for r in range(len(spans))}
    for i in ids:
        d, ok = prep.experiments[i].shifts_awarded, prep.start_ok[i]
        fits = [r for r, (lo, hi) in enumerate(spans) if hi - lo >= d and ok[lo : hi - d + 1].any()]
        if len(fits) == 1:
            load[fits[0]].append((d, present[i]))
            continue
        chosen = []
        for r in fits:
            lo, hi = spans[r]
            x = model.new_bool_var(f"run[{i},{r}]")
            model.add(start[i] >= lo).only_enforce_if(x)
            model.add(start[i] <= hi - d).only_enforce_if(x)
            model.add_hint(x, i in hints and lo <= hints[i] <= hi - d)  # keeps the hint complete
            load[r].append((d, x))
            chosen.append(x)
        model.add(sum(chosen) == present[i])
    for r, items in load.items():
        if items:
            lo, hi = spans[r]
            model.add(sum(d * x for d, x in items) <= int(cover[lo:hi].sum()))


def _add_changeovers(
    model: cp_model.CpModel,
    prep: Prepared,
    ids: list[str],
    start: dict[str, cp_model.IntVar],
    present: dict[str, cp_model.IntVar],
    change: int,
) -> None:
    """Blocks extended by the changeover, pairwise disjoint when their setups differ."""
    ext, span = {}, {}
    for i in ids:
        d = prep.experiments[i].shifts_awarded
        ext[i] = model.new_optional_fixed_size_interval_var(
            start[i], d + change, present[i], f"changeover[{i}]"
        )
        domain = list(start[i].proto.domain)  # the proto list has no negative indexing
        span[i] = (domain[0], domain[-1] + d)
    for k, a in enumerate(ids):
        for b in ids[k + 1 :]:
            if prep.experiments[a].setup == prep.experiments[b].setup:
                continue
            (a0, a1), (b0, b1) = span[a], span[b]
            if a1 + change <= b0 or b1 + change <= a0:
                continue  # their windows are too far apart to ever clash
            model.add_no_overlap([ext[a], ext[b]])
