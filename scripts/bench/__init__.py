"""Benchmarks of the serving stack: concurrency sweeps with adaptive batching on and off, a naive
per-request baseline, the offline ceiling, the HTTP floor, overload behaviour and catalog scale.

Run ``python -m scripts.bench --help``; results go to ``var/reports/bench/<run>/``.
"""
