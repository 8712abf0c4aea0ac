"""Synthetic data at national scale for benchmarks: `flask generate-data` (see generate.py)."""
