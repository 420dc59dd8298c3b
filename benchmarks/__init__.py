"""Benchmarks run by ``make bench`` (benchmarks/run.py); see docs/benchmarks.md."""
