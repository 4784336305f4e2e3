"""The validation layer: hindcasts against what was observed, from result tables and data files.

Observed values, their sources and tolerances live in ``sim/validation/data``; like the
publication code, validation never imports :mod:`sim.model`.
"""
