"""Search indexes that live beside the database (a snapshot on disk plus the audit tail),
and the background jobs that encode records for them."""
