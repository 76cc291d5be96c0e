"""Document services: collections and reading, ingest, feeds."""
