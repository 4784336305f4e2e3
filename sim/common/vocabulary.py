"""Names shared by the model that writes the result tables and the code that reads them.

The model records its metrics under these names; the experiment, publication and
validation code read them back without importing the model.
"""

from __future__ import annotations

LAYERS: tuple[str, ...] = ("energy", "military", "economic", "diplomatic", "treaty")

PRIMARY_METRIC = "aligned"
"""Members still aligned: a political outcome. Tie densities (``cohesion``, ``density_*``)
are reported beside it, since a lever that cuts trade lowers density without moving
anyone's alignment."""
BLOC_METRICS: tuple[str, ...] = (
    "aligned",
    "intact",
    "mean_alignment",
    "cohesion",
    *(f"density_{layer}" for layer in LAYERS),
    "connectivity",
    "energy",
    "frustration",
)
STATE_METRICS: tuple[str, ...] = (
    "alignment",
    "dependence",
    "threat",
    "sanctions",
    "net_pull",
    "compensation",
    "takeup",
)
SUMMARY_OUTCOMES: tuple[str, ...] = (*BLOC_METRICS, "time_to_defection", "defected", "us_cost")
"""Per-replicate outcomes of the run summary an analysis can report."""

RUN_TABLES: tuple[str, ...] = ("summary", "timeseries", "ties")
"""The tables a run writes: one row per replicate, per (replicate, month), per (replicate, month, tie)."""
