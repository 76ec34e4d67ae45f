"""Generators of the committed demo raw data (``caches/demo_raw``), one module per group.

``python -m caches.demo --out caches/demo_raw`` regenerates every file; see
docs/offline-data.md for the layouts they stand in for.
"""
