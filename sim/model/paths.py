"""Dotted parameter paths (``model.rationality``, ``scenario.tie_scale.RUS_PRK``) on run configurations.

Designs and parameter ensembles name what they vary by such paths. A path is settable
when it ends at a number-valued field of the configuration (a float, not a count or a
switch), or at a key of a free-form mapping of numbers (new keys may be added there).
These are exactly the paths the experiment layer has always accepted for design
parameters; :func:`set_path` gives the same configuration it builds, without OmegaConf.
"""

from __future__ import annotations

import dataclasses
import numbers
from typing import Any

from sim.common.errors import ConfigError

ROOTS = ("scenario", "strategy", "model")
ALLOWED = "a dotted path such as model.rationality, scenario.us.credibility or scenario.tie_scale.RUS_PRK"
# Parts of the configuration that say how worlds are made, not what a world is.
NOT_WORLD_PARAMETERS = ("scenario.uncertainty",)


def _child(node: Any, part: str) -> Any:
    """The child of ``node`` named by one path part, or a KeyError."""
    if dataclasses.is_dataclass(node):
        if part not in {spec.name for spec in dataclasses.fields(node)}:
            raise KeyError(part)
        return getattr(node, part)
    if isinstance(node, dict):
        return node[part]
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    raise KeyError(part)


def _field(node: Any, part: str) -> dataclasses.Field | None:
    if not dataclasses.is_dataclass(node):
        return None
    return next((spec for spec in dataclasses.fields(node) if spec.name == part), None)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_free_mapping(node: Any) -> bool:
    """A plain mapping (tie_scale, trust, initial, deal_credibility, layer weights, ...)."""
    return isinstance(node, dict)


def check_settable(config: Any, path: str, key: str = "design.parameters") -> tuple[float, float] | None:
    """Refuse a path that is not a numeric world parameter; return its documented range, if any."""
    parts = path.split(".")
    if parts[0] not in ROOTS or any(path == p or path.startswith(p + ".") for p in NOT_WORLD_PARAMETERS):
        raise ConfigError(f"{key}: {path}", "not a parameter of the model", ALLOWED)
    node, bounds = config, None
    for depth, part in enumerate(parts):
        spec = _field(node, part)
        if spec is not None and "range" in spec.metadata:
            bounds = spec.metadata["range"]
        try:
            child = _child(node, part)
        except KeyError:
            if _is_free_mapping(node):
                return bounds
            raise ConfigError(f"{key}: {path}", "not a parameter of the model", ALLOWED) from None
        last = depth == len(parts) - 1
        if last and _is_number(child) and (spec is None or "float" in str(spec.type)):
            return bounds
        if last:
            raise ConfigError(f"{key}: {path}", "not a number-valued parameter of the model", ALLOWED)
        node = child
    return bounds


def get_path(config: Any, path: str) -> Any:
    """The value at ``path`` (KeyError if it is absent)."""
    node = config
    for part in path.split("."):
        node = _child(node, part)
    return node


def set_path(config: Any, path: str, value: Any) -> Any:
    """A copy of ``config`` with ``path`` set to ``value``; only the nodes along the path are copied.

    ``value`` may be a float (one world) or an array over worlds (the model's resolved
    parameters); missing keys under free-form mappings are created, as design sweeps do.
    """
    return _set(config, path.split("."), value)


def _set(node: Any, parts: list[str], value: Any) -> Any:
    head, rest = parts[0], parts[1:]
    if dataclasses.is_dataclass(node):
        child = getattr(node, head)
        return dataclasses.replace(node, **{head: _set(child, rest, value) if rest else value})
    if isinstance(node, dict):
        child = node.get(head, {})
        return {**node, head: _set(child, rest, value) if rest else value}
    if isinstance(node, list):
        index = int(head)
        copy = list(node)
        copy[index] = _set(node[index], rest, value) if rest else value
        return copy
    raise KeyError(head)


def set_paths(config: Any, values: dict[str, Any]) -> Any:
    """``config`` with every path of ``values`` set (floats kept as Python floats)."""
    for path, value in values.items():
        config = set_path(config, path, float(value) if _is_number(value) else value)
    return config
