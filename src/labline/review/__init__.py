"""Peer review: reviewer assignment, calibration and the funding-line lottery."""
