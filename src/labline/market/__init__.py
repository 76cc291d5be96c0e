"""Technology supply chain: needs, achievements, matching, deals and contracts."""
