"""Valuation of a licence: NPV and risk-adjusted NPV from its cash flows and a sourced table
of the probability of passing each development stage."""
