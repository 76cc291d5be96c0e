"""What the benchmark scripts share: where things are (`paths`), the machine's load and a
process's memory (`machine`), JSON results (`results`) and a SQLite labline world's
settings and sessions (`sqlite`). Scripts put the repository and `src/` on `sys.path`
before importing it (`python benchmarks/NAME.py` runs from anywhere)."""
