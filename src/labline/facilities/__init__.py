"""Shared research facilities: catalogue, conflict-free bookings, beamtime, usage and fees."""
