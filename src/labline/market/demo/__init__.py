"""The market demo: needs, achievements, teams, deals and contracts for the demo world."""
