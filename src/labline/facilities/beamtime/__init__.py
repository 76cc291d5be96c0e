"""Proposal-based beamtime: cycles, proposals and scores, the CP-SAT schedule, publishing."""
