from __future__ import annotations

import random

import pytest

from labline.facilities.engine.scheduling import (
    Cycle,
    Experiment,
    Instrument,
    LocalContact,
    Placement,
    greedy_schedule,
    schedule,
    validate,
)


def tiny(seed: int) -> Cycle:
    """Two instruments, one local contact shared by both, 2–3 experiments each."""
    rng = random.Random(seed)
    n = 11
    insts = [
        Instrument(
            f"I{k}",
            set(range(n)) - set(rng.sample(range(n), rng.randint(0, 2))),
            setup_change_shifts=rng.randint(0, 2),
        )
        for k in range(2)
    ]
    lc = LocalContact("LC", set(range(n)) - set(rng.sample(range(n), rng.randint(0, 3))))
    exps = []
    for k in range(rng.randint(4, 5)):
        earliest = rng.choice([None, None, rng.randint(0, 4)])
        exps.append(
            Experiment(
                f"E{k}",
                f"P{k}",
                f"I{k % 2}",
                rng.randint(2, 4),
                rng.choice([1.0, 1.5, 2.0, 3.25, 4.0]),
                unavailable_shifts=set(rng.sample(range(n), rng.randint(0, 2))),
                local_contact=rng.choice([None, "LC"]),
                setup=rng.choice("ab"),
                earliest=earliest,
                latest=rng.choice([None, None, rng.randint(7, n)]),
            )
        )
    return Cycle(n, insts, exps, [lc])


def allowed(cycle: Cycle, chosen: list[tuple[Experiment, int]]) -> bool:
    """The rules written out shift by shift, independently of the library."""
    inst = {i.id: i for i in cycle.instruments}
    lcs = {c.id: c for c in cycle.local_contacts}
    for k, (e, s) in enumerate(chosen):
        shifts = set(range(s, s + e.shifts_awarded))
        if not shifts <= inst[e.instrument_id].shifts_available or shifts & e.unavailable_shifts:
            return False
        if e.local_contact and not shifts <= lcs[e.local_contact].available_shifts:
            return False
        if s < (e.earliest or 0) or s + e.shifts_awarded > (e.latest or cycle.n_shifts):
            return False
        for f, t in chosen[:k]:
            gap = max(t - (s + e.shifts_awarded), s - (t + f.shifts_awarded))  # < 0: overlap
            if f.instrument_id == e.instrument_id:
                need = inst[e.instrument_id].setup_change_shifts if f.setup != e.setup else 0
                if gap < need:
                    return False
            if e.local_contact and f.local_contact == e.local_contact and gap < 0:
                return False
    return True


def brute_force(cycle: Cycle) -> float:
    """Best value over every assignment (pruned: a broken partial schedule stays broken)."""
    exps = list(cycle.experiments)
    best = 0.0

    def visit(k: int, chosen: list[tuple[Experiment, int]], value: float) -> None:
        nonlocal best
        best = max(best, value)
        if k == len(exps):
            return
        visit(k + 1, chosen, value)
        e = exps[k]
        for s in range(cycle.n_shifts - e.shifts_awarded + 1):
            if allowed(cycle, [*chosen, (e, s)]):
                visit(k + 1, [*chosen, (e, s)], value + e.priority * e.shifts_awarded * 8)

    visit(0, [], 0.0)
    return best


@pytest.mark.parametrize("seed", range(30))
def test_optimal_equals_brute_force(seed: int) -> None:
    cycle = tiny(seed)
    best = brute_force(cycle)
    result = schedule(cycle, time_limit_s=5)
    greedy = greedy_schedule(cycle)
    assert result.status == "OPTIMAL"
    assert result.awarded == pytest.approx(best)
    assert validate(cycle, result.placements) == []
    assert validate(cycle, greedy.placements) == []
    assert greedy.awarded <= result.awarded + 1e-9
    assert result.upper_bound >= best - 1e-6
    assert result.knapsack_bound >= best - 1e-6
    assert set(result.placements) | set(result.unplaced) == {e.id for e in cycle.experiments}


def one(**kw: object) -> Experiment:
    base: dict[str, object] = {
        "id": "A", "proposal_id": "P1", "instrument_id": "I", "shifts_awarded": 3,
        "priority": 1.0,
    }  # fmt: skip
    base.update(kw)
    return Experiment(**base)  # type: ignore[arg-type]


def test_shutdown_and_user_dates_are_respected() -> None:
    # Open 0–19 except a shutdown 5–9; the users cannot come on 0–2: only 10–19 fits 6.
    inst = Instrument("I", set(range(20)) - set(range(5, 10)))
    cycle = Cycle(20, [inst], [one(shifts_awarded=6, unavailable_shifts={0, 1, 2})])
    result = schedule(cycle, time_limit_s=5)
    p = result.placements["A"]
    assert p.start >= 10 and p.end <= 20
    assert greedy_schedule(cycle).placements["A"].start == 10  # the earliest feasible start


def test_reason_names_the_constraint_that_bites() -> None:
    inst = Instrument("I", set(range(20)) - set(range(5, 10)))
    cycle = Cycle(
        20,
        [inst],
        [
            one(id="A", shifts_awarded=11),
            one(id="B", shifts_awarded=6, unavailable_shifts={0, 12, 15}),
            one(id="C", shifts_awarded=2, earliest=0, latest=4, local_contact="L"),
        ],
        [LocalContact("L", {0, 2, 4})],
    )
    result = schedule(cycle, time_limit_s=5)
    assert result.unplaced["A"] == "no window of 11 consecutive open shifts on I"
    assert result.unplaced["B"] == (
        "no window of 6 consecutive open shifts on I avoiding the user's unavailable dates"
    )
    assert "while local contact L is available" in result.unplaced["C"]


def test_displaced_experiment_says_who_took_the_time() -> None:
    cycle = Cycle(6, [Instrument("I", range(6))], [one(id="A", priority=5), one(id="B")])
    cycle = Cycle(
        6, cycle.instruments, [*cycle.experiments, one(id="C", shifts_awarded=4, priority=0.5)]
    )
    result = schedule(cycle, time_limit_s=5)
    assert set(result.placements) == {"A", "B"}
    assert result.unplaced["C"].startswith("no room on I")
    assert "A, B" in result.unplaced["C"]


def test_changeover_only_between_different_setups() -> None:
    # 12 shifts, change takes 2: x,x,y fits only as x+x back to back, 2 free, then y (4+4+2+2).
    inst = Instrument("I", range(12), setup_change_shifts=2)
    exps = [
        one(id="X1", shifts_awarded=4, setup="x"),
        one(id="X2", shifts_awarded=4, setup="x"),
        one(id="Y", shifts_awarded=2, setup="y"),
    ]
    cycle = Cycle(12, [inst], exps)
    result = schedule(cycle, time_limit_s=5)
    assert set(result.placements) == {"X1", "X2", "Y"}
    assert validate(cycle, result.placements) == []
    y = result.placements["Y"]
    for x in ("X1", "X2"):
        p = result.placements[x]
        assert p.end + 2 <= y.start or y.end + 2 <= p.start
    # A third setup cannot squeeze in: every extra change costs two shifts.
    z = Cycle(12, [inst], [*exps[:2], one(id="Y", shifts_awarded=4, setup="y")])
    assert len(schedule(z, time_limit_s=5).placements) == 2


def test_local_contact_cannot_be_in_two_places() -> None:
    insts = [Instrument("I", range(6)), Instrument("J", range(6))]
    exps = [
        one(id="A", shifts_awarded=4, local_contact="L", priority=2),
        one(id="B", instrument_id="J", shifts_awarded=4, local_contact="L"),
    ]
    cycle = Cycle(6, insts, exps, [LocalContact("L", range(6))])
    result = schedule(cycle, time_limit_s=5)
    assert set(result.placements) == {"A"}
    assert result.unplaced["B"].startswith("local contact L is busy with A")


def test_validate_finds_every_kind_of_violation() -> None:
    inst = Instrument("I", set(range(30)) - {20}, setup_change_shifts=2)
    other = Instrument("J", range(30))
    exps = [
        one(id="A", setup="x", local_contact="L"),
        one(id="B", setup="x"),
        one(id="C", setup="y"),
        one(id="D", instrument_id="J", local_contact="L", unavailable_shifts={2}),
        one(id="E", earliest=10, latest=16),
        one(id="F", shifts_awarded=4),
        one(id="H", instrument_id="J"),
    ]
    cycle = Cycle(30, [inst, other], exps, [LocalContact("L", set(range(30)) - {5})])
    placements = [
        Placement("A", 0, 3),
        Placement("B", 2, 5),  # overlaps A on I
        Placement("C", 6, 9),  # only one shift after B, other setup
        Placement("D", 1, 4),  # L is with A; users away at 2
        Placement("E", 19, 22),  # after its window, over the closed shift 20
        Placement("F", 24, 27),  # three shifts of four
        Placement("G", 0, 1),
        Placement("A", 0, 3),
        Placement("H", 28, 31),
    ]
    found = validate(cycle, placements)
    kinds = {v.kind for v in found}
    assert kinds == {
        "overlap", "changeover", "closed", "unavailable", "contact_busy", "window", "length",
        "outside", "unknown", "duplicate",
    }  # fmt: skip
    text = {v.kind: v.message for v in found}
    assert text["overlap"] == "A and B overlap on I at shift 2 (day 1)"
    assert "B (setup 'x') and C (setup 'y') on I are 1 shift(s) apart" in text["changeover"]
    assert text["closed"].startswith("E covers shift 20 (day 7) when I is closed")
    assert text["unavailable"].startswith("D covers shift 2 (day 1)")
    assert text["contact_busy"] == (
        "local contact L would support A and D at once at shifts 1–2 (day 1)"
    )
    assert "after its latest end 16" in text["window"]
    edits = [Placement("A", 4, 7)]
    assert [v.kind for v in validate(cycle, edits)] == ["contact_unavailable"]
    assert validate(cycle, {"A": Placement("A", 6, 9)}) == []


def test_input_errors_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown instrument"):
        schedule(Cycle(5, [], [one()]))
    with pytest.raises(ValueError, match="unknown local contact"):
        greedy_schedule(Cycle(5, [Instrument("I", range(5))], [one(local_contact="nobody")]))


def test_medium_cycle_validates_clean_and_beats_greedy() -> None:
    from benchmarks.scheduling import build

    cycle = build(seed=3, instruments=4, proposals=40, days=30, contacts=2, demand=2.0)
    result = schedule(cycle, time_limit_s=2)
    greedy = greedy_schedule(cycle)
    assert validate(cycle, result.placements) == []
    assert greedy.awarded <= result.awarded + 1e-9
    assert result.awarded <= result.upper_bound <= result.knapsack_bound + 1e-9
    assert result.seconds < 30  # the 2 s limit is honoured, with slack for a busy machine


@pytest.mark.slow
def test_full_size_cycle() -> None:
    from benchmarks.scheduling import build

    cycle = build(seed=1, instruments=30, proposals=500, days=122, contacts=15, demand=2.0)
    result = schedule(cycle, time_limit_s=10)
    assert validate(cycle, result.placements) == []
    assert result.awarded >= greedy_schedule(cycle).awarded
    assert result.awarded <= result.upper_bound
