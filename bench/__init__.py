"""Benchmarks: one command each, printing figures next to a reference measured in the same run.

Nothing here is imported by the product; see ``bench/README.md``.
"""
