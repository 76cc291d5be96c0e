"""Licence terms offered on a deal: scope, upfront, milestones and royalty tiers; compared
side by side with their risk-adjusted value, and carried to the contract."""
