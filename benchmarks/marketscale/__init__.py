"""The pieces of benchmarks/market_scale.py: the world, fresh app processes, freshness."""
