"""The facilities demo: facilities, instruments, a year of bookings and use, beamtime."""
