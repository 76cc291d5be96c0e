"""intel: digests."""
