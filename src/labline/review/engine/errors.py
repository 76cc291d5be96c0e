"""The assignment engine's errors (shared by the flow solver and the fairness MIP)."""

from __future__ import annotations


class InvalidAssignmentInput(ValueError):
    """The inputs are malformed (shapes, NaN, out-of-range values)."""


class AssignmentInfeasible(ValueError):
    """No assignment satisfies the demands, loads, conflicts (and floor, if given)."""
