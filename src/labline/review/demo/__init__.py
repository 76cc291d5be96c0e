"""Demo steps for the review module."""
