"""Computations on indicator panels: pure functions on numpy and pandas."""
