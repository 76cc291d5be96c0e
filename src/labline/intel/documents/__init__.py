"""intel: documents."""
