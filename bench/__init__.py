"""Benchmarks: each module runs with ``python -m bench.<name>`` and reports ratios against a
baseline measured in the same run (never absolute timings as pass/fail)."""
