"""Equity deals and cap tables, exchanged as Open Cap Table Format (OCF) JSON."""
