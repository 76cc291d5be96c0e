"""Team and expert profiles: teams grouped from achievements, and ranked teams for a need."""
