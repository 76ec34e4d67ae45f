"""Ground floor shared by every layer: user-facing errors and the seqio import fix.

Nothing here imports another project package; see README.md, "Layout".
"""
