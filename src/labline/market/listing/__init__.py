"""STAR Market listing readiness: a company's figures against the five listing standards."""
