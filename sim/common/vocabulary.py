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

# Reader labels and units of the metrics, for axes, keys, table headers and captions. The
# unit says what a number means (a share of worlds, months, budget units), not only its
# scale. Per-member metrics (``alignment_CHN``) and per-layer densities are derived below.
METRIC_LABELS: dict[str, tuple[str, str]] = {
    "cohesion": ("cohesion", "weighted tie density, 0–1"),
    "connectivity": ("connectivity", "algebraic connectivity of the tie graph"),
    "aligned": ("aligned members", "count"),
    "intact": ("bloc intact", "share of worlds"),
    "mean_alignment": ("mean alignment", "0–1"),
    "energy": ("alignment energy", "Axelrod–Bennett energy"),
    "frustration": ("frustration", "energy above its minimum"),
    "time_to_defection": ("months to first defection", "months, censored at the horizon"),
    "defected": ("any defection", "share of worlds"),
    "us_cost": ("US cost", "budget units spent"),
    **{f"density_{layer}": (f"{layer} tie density", "0–1") for layer in LAYERS},
}
STATE_METRIC_LABELS: dict[str, tuple[str, str]] = {
    "alignment": ("alignment", "0–1"),
    "dependence": ("dependence on the bloc", "0–1"),
    "threat": ("perceived threat", "0–1"),
    "sanctions": ("sanctions exposure", "0–1"),
    "net_pull": ("net US pull", "% of GDP"),
    "compensation": ("patron compensation received", "% of GDP"),
    "takeup": ("deal take-up", "0–1"),
}


def metric_name_and_unit(metric: str) -> tuple[str, str]:
    """(label, unit) of a metric column; an unknown column keeps its name, without a unit."""
    if metric in METRIC_LABELS:
        return METRIC_LABELS[metric]
    prefix, _, member = metric.partition("_")
    if prefix in STATE_METRIC_LABELS and member:
        label, unit = STATE_METRIC_LABELS[prefix]
        return f"{label} of {member}", unit
    return metric.replace("_", " "), ""


def metric_label(metric: str, *, where: str = "") -> str:
    """Axis label of a metric with its unit: ``cohesion at month 48 (weighted tie density, 0–1)``."""
    label, unit = metric_name_and_unit(metric)
    text = f"{label} {where}".strip()
    return f"{text} ({unit})" if unit else text
