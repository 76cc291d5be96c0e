"""The demo world: a deterministic, believable, bilingual innovation region."""
