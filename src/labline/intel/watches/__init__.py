"""intel: watches."""
