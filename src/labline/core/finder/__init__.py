"""The one search box: every kind of record the modules make findable, grouped by kind."""
