"""intel: search."""
