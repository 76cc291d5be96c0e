"""intel: briefings."""
