"""Offline builders: TFDS data from raw files, demo assets, seqio caches."""
