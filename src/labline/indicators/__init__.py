"""Innovation indicators: catalogue, panel import, composite indices, MCDA and growth accounting.

A plain library (numpy/pandas, no web or database imports) so a notebook can use it.
"""
