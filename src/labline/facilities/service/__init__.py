"""Facilities rules: catalogue, bookings, usage and invoices, figures, beamtime cycles."""
