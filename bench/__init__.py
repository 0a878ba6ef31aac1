"""Benchmarks and the generated national dataset; results in docs/PERFORMANCE.md."""
