"""Benchmarks: `make bench` (or `python -m bench`). Speed is measured here, never in tests."""
