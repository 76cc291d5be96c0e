"""Diligence obligations of a signed licence, checked off with evidence."""
