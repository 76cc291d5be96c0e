"""The assignment engine's errors (shared by the flow solver and the fairness MIP)."""

from __future__ import annotations


class InvalidAssignmentInput(ValueError):
    """The inputs are malformed (shapes, NaN or infinite scores, loads); `cell` is the
    (reviewer, proposal) index of the first bad score, when a score is at fault."""

    def __init__(self, message: str, *, cell: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        self.cell = cell


class AssignmentInfeasible(ValueError):
    """No assignment satisfies the demands, loads, conflicts (and floor, if given).

    When one proposal (or reviewer) is at fault, `proposal` (or `reviewer`) is its index,
    with the reviews it `needs` and the non-conflicted reviewers it is `allowed`: a caller
    names the record by its title, never by the engine's index."""

    def __init__(
        self,
        message: str,
        *,
        proposal: int | None = None,
        reviewer: int | None = None,
        needs: int | None = None,
        allowed: int | None = None,
        short: int = 0,
    ) -> None:
        super().__init__(message)
        self.proposal = proposal
        self.reviewer = reviewer
        self.needs = needs
        self.allowed = allowed
        self.short = short
