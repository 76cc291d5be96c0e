"""Tests of the facilities module (beamtime scheduling)."""
