"""Indicator services: storing panels and reading them back as series, rankings, profiles."""
