"""Facility managers' pages: an instrument's rules, closures and qualified users."""
