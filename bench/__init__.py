"""Benchmarks for recall-bot: `python -m bench` (all suites) or `python -m bench --smoke` (CI).

Every measurement is one JSON line on stdout; see docs/PERFORMANCE.md for the figures.
"""
