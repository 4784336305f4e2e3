"""Strict keys: every key of a configuration is one the schema or a vocabulary knows.

Hydra's ``+key=value`` adds keys the schema lacks, and OmegaConf carries them into the
dataclasses as stray attributes that nothing reads: a typo such as
``+model.rationalty=20`` would run with the default. Mapping-valued parameters (layer
weights, lever costs, per-state credibility) accept any key by type, so their keys are
checked against the vocabulary they index (layers, lever kinds, the scenario's states).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from typing import Any

from sim.common.errors import ConfigError
from sim.common.vocabulary import LAYERS
from sim.model.parameters import LEVER_KINDS, RunConfig


def unknown_key(key: str, name: str, choices: Iterable[str]) -> ConfigError:
    """The error for an unknown key, suggesting the nearest choice when it looks like a typo."""
    choices = [str(choice) for choice in choices]
    close = difflib.get_close_matches(name, choices, n=1)
    problem = f"unknown key; did you mean '{close[0]}'?" if close else "unknown key"
    return ConfigError(key, problem, ", ".join(choices))


def check_known_keys(node: Any, prefix: str = "") -> None:
    """Raise :class:`ConfigError` naming the first key that is not a field of its schema."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            check_known_keys(item, f"{prefix}[{index}].")
        return
    if not is_dataclass(node):
        return
    known = [spec.name for spec in fields(node)]
    for name in vars(node):
        if name not in known:
            raise unknown_key(f"{prefix}{name}", name, known)
    for name in known:
        check_known_keys(getattr(node, name), f"{prefix}{name}.")


def check_mapping_keys(config: RunConfig) -> None:
    """Keys of mapping-valued parameters must name a layer, a lever kind or a state."""
    states = list(config.scenario.states)
    _check_keys("model.layer_weights", config.model.layer_weights, LAYERS, complete=True)
    _check_keys("model.lever_costs", config.model.lever_costs, LEVER_KINDS)
    _check_keys("scenario.us.deal_credibility", config.scenario.us.deal_credibility, states)
    _check_keys("scenario.swing_buyers", config.scenario.swing_buyers, states)
    _check_keys("scenario.initial", config.scenario.initial, states)


def _check_keys(
    key: str, mapping: Mapping[str, Any], vocabulary: Iterable[str], complete: bool = False
) -> None:
    vocabulary = [str(getattr(word, "value", word)) for word in vocabulary]
    names = [str(getattr(name, "value", name)) for name in mapping]
    for name in names:
        if name not in vocabulary:
            raise unknown_key(f"{key}.{name}", name, vocabulary)
    missing = [word for word in vocabulary if word not in names]
    if complete and missing:
        raise ConfigError(key, f"lacks {missing}", f"one value for each of {vocabulary}")
