"""The pieces of benchmarks/intel_speed.py: the folder import, the database, search."""
