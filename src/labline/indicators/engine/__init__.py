"""Pure computations for the indicators: panel import, units, derived ratios, normalisation,
outliers, composites, entropy-TOPSIS, uncertainty and growth accounting (no database or web)."""
