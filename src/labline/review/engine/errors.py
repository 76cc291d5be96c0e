"""The assignment engine's errors (shared by the flow solver and the fairness MIP)."""

from __future__ import annotations


class InvalidAssignmentInput(ValueError):
    """The inputs are malformed (shapes, NaN or infinite scores, loads); `cell` is the
    (reviewer, proposal) index of the first bad score, when a score is at fault."""

    def __init__(self, message: str, *, cell: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        self.cell = cell


class AssignmentInfeasible(ValueError):
    """No assignment satisfies the demands, loads, conflicts (and floor, if given)."""
