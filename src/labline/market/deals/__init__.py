"""Deals: from interest to a signed contract, with due days for each next step."""
