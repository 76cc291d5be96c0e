"""Shared web layer: layout, i18n, CSRF, error pages, request dependencies."""
