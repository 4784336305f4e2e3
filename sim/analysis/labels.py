"""Reader labels with units for every configuration parameter, from the configuration schema.

Why here: the figure and table code (:mod:`sim.publish`) may not import the model, whose
dataclasses hold the schema (every parameter's name, range and one-line meaning), while
this top layer may import everything. So the labels are derived here, from the schema
itself, and handed to the figure functions as a plain ``{config path: label}`` mapping;
figures then show ``deal value (utility)`` instead of ``model.deal_value``. Writing them
into each run's manifest instead would freeze the wording of old runs and make a label
change look like a change of results.

A label is the field's name in words, with the key of a mapping field (``tie scale
CHN→PRK``), and its unit from :data:`UNITS`; :func:`parameter_note` adds the schema's
one-line meaning and range for captions. ``tests/analysis/test_labels.py`` checks that
every ranged field of the schema has a unit, so a new parameter cannot go unlabelled.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterable
from typing import Any

from sim.experiment.configuration import Config

# The unit of every ranged field, by configuration path (list indices dropped).
UNITS: dict[str, str] = {
    "replicates": "worlds",
    "horizon": "months",
    "seed": "integer",
    "ties_every": "months",
    "first_replicate": "index",
    "strategy.adaptive.exploration": "sd of log shares",
    "model.layer_rents": "share of flow or burden",
    "model.sanctions_cost": "% GDP a year",
    "model.deal_relief": "share of sanctions exposure",
    "model.deal_trade": "% GDP",
    "model.patron_budget": "% GDP a year",
    "model.entrapment_economic": "share of Western exports",
    "model.entrapment_military": "share of defence burden",
    "calibration.population": "particles",
    "calibration.generations": "generations",
    "calibration.batch": "candidates",
    "calibration.max_batches": "batches",
    "calibration.quantile": "quantile",
    "calibration.min_epsilon": "distance",
    "calibration.min_acceptance": "share of candidates",
    "calibration.replicates": "worlds",
    "calibration.seed": "integer",
    "calibration.posterior_draws": "draws",
    "calibration.predictive_draws": "draws",
    "calibration.predictive_replicates": "worlds",
    "forecast.draws": "draws",
    "model.tie_rate": "share of the gap per month",
    "model.alignment_rate": "share of the gap per month",
    "model.threat_rate": "share of the gap per month",
    "model.trust_rate": "share of the gap per month",
    "model.sanctions_rate": "share of the gap per month",
    "model.rationality": "log-odds per % GDP",
    "model.decision_noise": "sd of log-odds",
    "model.layer_weights": "weight per unit tie",
    "model.oil_amplifier": "multiplier",
    "model.sanctions_dependence": "× per unit of exposure",
    "model.threat_cohesion": "share of defence burden",
    "model.sanctions_busting": "tie need per unit of exposure",
    "model.secondary_bite": "share of Western exports",
    "model.war_demand": "tie need per unit of war need",
    "model.deal_value": "× reference package",
    "model.coercion_relief": "share of coercion cost",
    "model.trade_pain": "share of exports to the West",
    "model.patron_compensation": "share of client's value",
    "model.abandonment_response": "−1 hedge to 1 tighten",
    "model.alliance_multiplier": "per unit of alliance strength",
    "model.threat_from_pressure": "threat per unit of coercion",
    "model.threat_contagion": "threat per unit of partners' coercion",
    "model.threat_from_alliances": "threat per unit of alliance strength",
    "model.threat_relief_from_deals": "share of threat",
    "model.trust_sensitivity": "0–1",
    "model.abandonment_persistence": "share of the loss",
    "model.sanctions_half_saturation": "designations",
    "model.outside_options": "% GDP",
    "model.aligned_threshold": "alignment, 0–1",
    "model.connectivity_floor": "algebraic connectivity",
    "model.affinity_threshold": "tie strength, 0–1",
    "model.lever_costs": "budget units per month",
    "scenario.tie_scale": "× start ties",
    "scenario.trust": "0–1",
    "scenario.swing_buyers": "share of exports",
    "scenario.initial": "0–1",
    "scenario.us.budget": "budget units per month",
    "scenario.us.credibility": "probability",
    "scenario.us.deal_credibility": "probability",
    "scenario.us.alliance_strength": "0–1",
    "scenario.random_shocks.rate": "per month",
    "strategy.levers.intensity": "share of full strength",
    "strategy.levers.start": "month",
    "strategy.adaptive.review_every": "months",
    "strategy.adaptive.learning_rate": "weight of the newest value",
    "strategy.adaptive.temperature": "softmax temperature",
    "design.samples": "count",
    "design.levels": "count",
    "design.seed": "integer",
    "design.chunk": "index",
    "design.chunk_size": "design points",
    "scenario.uncertainty.draws": "count",
    "scenario.uncertainty.seed": "integer",
    "batch_memory_mb": "MB",
    "robustness.plausible_level": "share of worlds",
    "robustness.goal_level": "probability",
    "robustness.case_lift": "probability",
    "robustness.prim_threshold": "density",
    "robustness.prim_min_coverage": "share of cases",
    "robustness.prim_max_dims": "parameters",
    "robustness.prim_max_qp": "quasi-p-value",
    "robustness.regret_quantile": "quantile",
    "robustness.resamples": "count",
    "portfolio.trials": "count",
    "portfolio.worker": "index",
    "portfolio.quantile": "quantile",
    "portfolio.max_start": "month",
    "portfolio.start_step": "months",
    "portfolio.seed": "integer",
    "portfolio.compare": "portfolios",
}


def _words(name: str) -> str:
    return name.replace("_", " ")


def _qualifier(field_name: str, key: str) -> str:
    """How a mapping key reads after the field's name: ``CHN→PRK``, ``of IRN in RUS``."""
    if field_name == "trust" and "_" in key:
        truster, trusted = key.split("_", 1)
        return f"of {truster} in {trusted}"
    if field_name == "tie_scale" and "_" in key:
        return "→".join(key.split("_", 1))
    return _words(key)


def _leaf_label(field_name: str, keys: list[str]) -> str:
    """A field's label, with the mapping keys that follow it in the path."""
    if field_name == "initial" and len(keys) == 2:
        return f"initial {_words(keys[1])} of {keys[0]}"
    if len(keys) == 1:
        return f"{_words(field_name)} {_qualifier(field_name, keys[0])}"
    return " ".join([_words(field_name), *keys])


def _list_item_type(owner: type, field: dataclasses.Field) -> type | None:
    hint = typing.get_type_hints(owner)[field.name]
    args = typing.get_args(hint)
    return args[0] if typing.get_origin(hint) is list and args and dataclasses.is_dataclass(args[0]) else None


def _resolve(path: str) -> tuple[str, str, dict[str, Any]] | None:
    """(label without unit, unit key, field metadata) of a dotted path, None if not in the schema."""
    node: type = Config
    parts = path.split(".")
    unit_key: list[str] = []
    words: list[str] = []
    index = 0
    while index < len(parts):
        specs = {f.name: f for f in dataclasses.fields(node)}
        spec = specs.get(parts[index])
        if spec is None:
            return None
        unit_key.append(spec.name)
        rest = parts[index + 1 :]
        item = _list_item_type(node, spec)
        if item is not None and rest and rest[0].isdigit():
            words.append(f"{_words(spec.name).removesuffix('s')} {int(rest[0]) + 1}")
            node, index = item, index + 2
            continue
        kind = typing.get_type_hints(node)[spec.name]
        if dataclasses.is_dataclass(kind):
            node, index = kind, index + 1
            continue
        return " ".join([*words, _leaf_label(spec.name, rest)]), ".".join(unit_key), dict(spec.metadata)
    return None


def parameter_label(path: str) -> str:
    """``scenario.tie_scale.CHN_PRK`` -> ``tie scale CHN→PRK (× start ties)``; unknown paths stay as given."""
    resolved = _resolve(path)
    if resolved is None:
        return path
    label, unit_key, _ = resolved
    unit = UNITS.get(unit_key, "")
    return f"{label} ({unit})" if unit else label


def parameter_note(path: str) -> str:
    """The schema's meaning and range of a parameter, for captions."""
    resolved = _resolve(path)
    if resolved is None:
        return path
    _, _, metadata = resolved
    text = f"{path}: {metadata.get('doc', 'no description')}"
    bounds = metadata.get("range")
    if bounds is not None:
        text += f", range [{bounds[0]:g}, {bounds[1]:g}]"
    return text


def parameter_labels(paths: Iterable[str]) -> dict[str, str]:
    """Labels of several paths, for the ``labels=`` argument of the figure and table functions."""
    return {path: parameter_label(path) for path in paths}


def ranged_fields(node: type = Config, prefix: str = "") -> list[str]:
    """Configuration paths (list indices dropped) of every field with a documented range."""
    found = []
    for spec in dataclasses.fields(node):
        path = f"{prefix}{spec.name}"
        if "range" in spec.metadata:
            found.append(path)
        kind = typing.get_type_hints(node)[spec.name]
        item = _list_item_type(node, spec)
        if dataclasses.is_dataclass(kind):
            found += ranged_fields(kind, f"{path}.")
        elif item is not None:
            found += ranged_fields(item, f"{path}.")
    return found
