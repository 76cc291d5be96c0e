"""Core services: rules and queries. Keyword-only; they flush but never commit."""
