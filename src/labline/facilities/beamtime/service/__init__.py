"""The beamtime services: cycles and proposals (cycles.py), the schedule (schedule.py)."""
