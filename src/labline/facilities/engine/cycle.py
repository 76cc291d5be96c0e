"""A proposal cycle's inputs (instruments, experiments, local contacts) and what the
scheduler and the validator both derive from them: open-shift masks and allowed starts.

Time is counted in shifts, index 0 … n_shifts − 1; a placement covers [start, end).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np


def _index_set(values: Iterable[int] | None) -> frozenset[int]:
    return frozenset(int(v) for v in (values if values is not None else ()))


@dataclass(frozen=True)
class Instrument:
    id: str
    shifts_available: frozenset[int]  # open shifts: no shutdown, no maintenance
    setup_change_shifts: int = 0  # shifts lost when switching between different setups

    def __post_init__(self) -> None:
        object.__setattr__(self, "shifts_available", _index_set(self.shifts_available))


@dataclass(frozen=True)
class LocalContact:
    id: str
    available_shifts: frozenset[int]

    def __post_init__(self) -> None:
        object.__setattr__(self, "available_shifts", _index_set(self.available_shifts))


@dataclass(frozen=True)
class Experiment:
    id: str
    proposal_id: str
    instrument_id: str
    shifts_awarded: int  # one contiguous block
    priority: float  # from the proposal's rank; higher is more important
    unavailable_shifts: frozenset[int] = frozenset()  # declared by the users
    local_contact: str | None = None
    setup: str = ""  # experiments with the same setup need no changeover
    earliest: int | None = None  # first shift the block may start on
    latest: int | None = None  # the block must end by this shift (exclusive)

    def __post_init__(self) -> None:
        object.__setattr__(self, "unavailable_shifts", _index_set(self.unavailable_shifts))


@dataclass(frozen=True)
class Cycle:
    n_shifts: int
    instruments: tuple[Instrument, ...]
    experiments: tuple[Experiment, ...]
    local_contacts: tuple[LocalContact, ...] = ()
    shift_hours: float = 8.0

    def __post_init__(self) -> None:
        for name in ("instruments", "experiments", "local_contacts"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


@dataclass(frozen=True)
class Placement:
    experiment_id: str
    start: int
    end: int  # exclusive


@dataclass
class Prepared:
    cycle: Cycle
    instruments: dict[str, Instrument]
    contacts: dict[str, LocalContact]
    experiments: dict[str, Experiment]
    start_ok: dict[str, np.ndarray]  # boolean over all n_shifts starts
    reasons: dict[str, str]  # experiments that cannot be placed at all

    def mask(self, shifts: frozenset[int]) -> np.ndarray:
        n = self.cycle.n_shifts
        out = np.zeros(n, dtype=bool)
        idx = [s for s in shifts if 0 <= s < n]
        out[idx] = True
        return out


def window_starts(ok: np.ndarray, length: int) -> np.ndarray:
    """Boolean over every start: True where shifts start … start+length−1 are all ok."""
    n = ok.size
    out = np.zeros(n, dtype=bool)
    if 1 <= length <= n:
        csum = np.concatenate(([0], np.cumsum(ok, dtype=np.int64)))
        out[: n - length + 1] = csum[length:] - csum[:-length] == length
    return out


def prepare(cycle: Cycle) -> Prepared:
    instruments = {i.id: i for i in cycle.instruments}
    contacts = {c.id: c for c in cycle.local_contacts}
    experiments = {e.id: e for e in cycle.experiments}
    if len(instruments) != len(cycle.instruments) or len(contacts) != len(cycle.local_contacts):
        raise ValueError("instrument and local contact ids must be unique")
    if len(experiments) != len(cycle.experiments):
        raise ValueError("experiment ids must be unique")
    prep = Prepared(cycle, instruments, contacts, experiments, {}, {})
    n = cycle.n_shifts
    open_masks = {i.id: prep.mask(i.shifts_available) for i in cycle.instruments}
    for e in cycle.experiments:
        if e.instrument_id not in instruments:
            raise ValueError(f"experiment {e.id}: unknown instrument {e.instrument_id}")
        if e.local_contact is not None and e.local_contact not in contacts:
            raise ValueError(f"experiment {e.id}: unknown local contact {e.local_contact}")
        if e.shifts_awarded < 1 or e.priority < 0:
            raise ValueError(f"experiment {e.id}: needs shifts_awarded ≥ 1 and priority ≥ 0")
        d, where = e.shifts_awarded, f"on {e.instrument_id}"
        window = np.zeros(n, dtype=bool)
        window[max(e.earliest or 0, 0) : n if e.latest is None else max(e.latest, 0)] = True
        # Constraints are added one at a time so the reason names the one that bites.
        steps: list[tuple[np.ndarray, str]] = [
            (open_masks[e.instrument_id], f"no window of {d} consecutive open shifts {where}"),
            (window, "within the requested dates"),
            (~prep.mask(e.unavailable_shifts), "avoiding the user's unavailable dates"),
        ]
        if e.local_contact is not None:
            lc = contacts[e.local_contact]
            steps.append(
                (prep.mask(lc.available_shifts), f"while local contact {lc.id} is available")
            )
        ok = np.ones(n, dtype=bool)
        said: list[str] = []
        starts = np.zeros(n, dtype=bool)
        for extra, text in steps:
            ok &= extra
            if not said or not extra.all():  # name only the constraints that restrict
                said.append(text)
            starts = window_starts(ok, d)
            if not starts.any():
                reason = " ".join(said) if d <= n else f"{d} shifts awarded, cycle has {n}"
                prep.reasons[e.id] = reason
                break
        prep.start_ok[e.id] = starts
    return prep


def blocked(
    prep: Prepared, e: Experiment, placed: Mapping[str, Placement], *, contact: bool
) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    """Shifts e's block may not touch given `placed` (its instrument's blocks with their
    changeover, or its local contact's other duties), and each blocker's range."""
    n = prep.cycle.n_shifts
    out = np.zeros(n, dtype=bool)
    who: dict[str, tuple[int, int]] = {}
    change = prep.instruments[e.instrument_id].setup_change_shifts
    for pid, p in placed.items():
        other = prep.experiments[pid]
        if pid == e.id:
            continue
        if contact:
            if e.local_contact is None or other.local_contact != e.local_contact:
                continue
            gap = 0
        else:
            if other.instrument_id != e.instrument_id:
                continue
            gap = change if other.setup != e.setup else 0
        lo, hi = max(p.start - gap, 0), min(p.end + gap, n)
        if lo < hi:
            out[lo:hi] = True
            who[pid] = (lo, hi)
    return out, who


def value_of(e: Experiment, hours: float) -> float:
    return e.priority * e.shifts_awarded * hours


def candidates_by(prep: Prepared, attr: str) -> dict[str, list[str]]:
    """Placeable experiments grouped by instrument_id or local_contact."""
    groups: dict[str, list[str]] = {}
    for e in prep.cycle.experiments:
        key = getattr(e, attr)
        if key is not None and e.id not in prep.reasons:
            groups.setdefault(key, []).append(e.id)
    return groups


def coverage(prep: Prepared, ids: Iterable[str]) -> np.ndarray:
    """Shifts covered by at least one allowed window of the given experiments."""
    n = prep.cycle.n_shifts
    cover = np.zeros(n + 1, dtype=np.int64)
    for i in ids:
        starts = np.flatnonzero(prep.start_ok[i])
        np.add.at(cover, starts, 1)
        np.add.at(cover, starts + prep.experiments[i].shifts_awarded, -1)
    return np.cumsum(cover)[:n] > 0


def runs(mask: np.ndarray, offset: int = 0) -> list[tuple[int, int]]:
    """Maximal runs of True as [lo, hi), shifted by offset."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    los, his = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(a) + offset, int(b) + offset) for a, b in zip(los, his, strict=True)]


def span_text(cycle: Cycle, lo: int, hi: int) -> str:
    """Shifts [lo, hi) in words, with the day numbers a manager reads on the calendar."""
    per_day = max(1, round(24 / cycle.shift_hours))
    d0, d1 = lo // per_day + 1, (hi - 1) // per_day + 1
    days = f"day {d0}" if d0 == d1 else f"days {d0}–{d1}"
    return f"shift {lo} ({days})" if hi - lo == 1 else f"shifts {lo}–{hi - 1} ({days})"
