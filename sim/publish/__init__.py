"""The publication layer: statistics, sensitivity indices, figures and tables from result tables.

Reads result tables only and never imports :mod:`sim.model` (an import-linter contract
enforces it): analysis never re-runs the model.
"""
