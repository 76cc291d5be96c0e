"""Computational methods: normalisation, outliers, composites, MCDA, uncertainty, growth."""
