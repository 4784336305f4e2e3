"""Start values of a scenario, read from sourced data files.

A scenario's data folder holds three tables (`states.csv`, `ties.csv`, `trust.csv`),
each row with the figure or judgement it encodes. Adding a state to the bloc means
adding its rows there and its code to ``scenario.states``; no code changes.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from sim.common.errors import ConfigError
from sim.common.vocabulary import LAYERS
from sim.model.parameters import ModelParameters, ScenarioConfig

STATE_ATTRIBUTES: tuple[str, ...] = (
    "sanctions_designations",
    "embargo_floor",
    "oil",
    "us_exposure",
    "threat",
    "war",
    "alignment",
    "capacity",
    "arms_supply",
)
INITIAL_OVERRIDABLE: tuple[str, ...] = (
    "sanctions",
    "oil",
    "us_exposure",
    "threat",
    "war",
    "alignment",
    "capacity",
    "arms_supply",
)
DEFAULT_TRUST = 0.5
# Configuration paths the start values depend on (worlds that vary them get their own).
CALIBRATION_INPUTS: tuple[str, ...] = (
    "scenario.data",
    "scenario.states",
    "scenario.initial",
    "scenario.tie_scale",
    "scenario.trust",
    "scenario.swing_buyers",
    "model.sanctions_half_saturation",
)
DATA_FILES: tuple[str, ...] = ("states.csv", "ties.csv", "trust.csv")
"""The files of a scenario's data folder, all read by every run of the scenario."""


@dataclass(frozen=True)
class Calibration:
    """Start values for one scenario, one entry per state (no replicate axis yet)."""

    states: tuple[str, ...]
    sanctions: np.ndarray
    oil: np.ndarray
    us_exposure: np.ndarray
    threat: np.ndarray
    war: np.ndarray
    alignment: np.ndarray
    capacity: np.ndarray
    arms_supply: np.ndarray
    swing_buyers: np.ndarray
    ties: np.ndarray
    trust: np.ndarray

    @property
    def n_states(self) -> int:
        return len(self.states)


def read_table(path: Path) -> tuple[dict[str, str], ...]:
    """The rows of a data file, parsed once per content (design sweeps build thousands of models).

    Cached by content rather than by path, so a file edited while a process runs is read anew.
    """
    return _parse_rows(Path(path).read_bytes())


@functools.lru_cache(maxsize=64)
def _parse_rows(data: bytes) -> tuple[dict[str, str], ...]:
    return tuple(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def data_directory(name: str) -> Path:
    """The folder of a named data set shipped in the package, or a user folder path."""
    candidate = Path(name)
    if candidate.is_dir():
        return candidate
    shipped = Path(str(resources.files("sim") / "data" / name))
    if shipped.is_dir():
        return shipped
    available = sorted(p.name for p in Path(str(resources.files("sim") / "data")).iterdir() if p.is_dir())
    raise ConfigError("scenario.data", f"no data set named '{name}'", available)


def load_calibration(scenario: ScenarioConfig, model: ModelParameters) -> Calibration:
    """Build start values for ``scenario`` from its data folder and overrides."""
    folder = data_directory(scenario.data)
    states = tuple(scenario.states)
    _check_states(states, folder)
    table = _state_table(folder / "states.csv", states)
    designations = table["sanctions_designations"]
    from_designations = designations / (designations + model.sanctions_half_saturation)
    values = {
        "sanctions": np.maximum(from_designations, table["embargo_floor"]),
        **{name: table[name] for name in INITIAL_OVERRIDABLE if name != "sanctions"},
    }
    _apply_initial_overrides(values, scenario, states)
    ties = _tie_tensor(folder / "ties.csv", states)
    _apply_tie_scale(ties, scenario.tie_scale, states)
    trust = _trust_matrix(folder / "trust.csv", states, scenario.trust)
    swing = _per_state("scenario.swing_buyers", scenario.swing_buyers, states)
    return Calibration(states=states, ties=ties, trust=trust, swing_buyers=swing, **values)


def _per_state(key: str, mapping: dict[str, float], states: tuple[str, ...]) -> np.ndarray:
    """A state-keyed mapping as an array in state order (0 for states not named)."""
    values = np.zeros(len(states))
    for code, value in mapping.items():
        if code not in states:
            raise ConfigError(f"{key}.{code}", "unknown state", list(states))
        values[states.index(code)] = value
    return values


def _check_states(states: tuple[str, ...], folder: Path) -> None:
    if len(states) < 2:
        raise ConfigError("scenario.states", "a bloc needs at least two states", "two or more ISO3 codes")
    if len(set(states)) != len(states):
        raise ConfigError("scenario.states", f"duplicate state in {list(states)}")
    known = sorted({row["state"] for row in read_table(folder / "states.csv")})
    for code in states:
        if code not in known:
            raise ConfigError("scenario.states", f"unknown state '{code}'", known)


def _state_table(path: Path, states: tuple[str, ...]) -> dict[str, np.ndarray]:
    values = {(row["state"], row["attribute"]): row["value"] for row in read_table(path)}
    missing = [
        f"{code}.{attr}" for code in states for attr in STATE_ATTRIBUTES if values.get((code, attr), "") == ""
    ]
    if missing:
        raise ConfigError("scenario.data", f"{path.name} lacks rows {missing}")
    return {attr: np.array([float(values[code, attr]) for code in states]) for attr in STATE_ATTRIBUTES}


def _apply_initial_overrides(
    values: dict[str, np.ndarray], scenario: ScenarioConfig, states: tuple[str, ...]
) -> None:
    for code, overrides in scenario.initial.items():
        if code not in states:
            raise ConfigError(f"scenario.initial.{code}", "unknown state", list(states))
        for attr, value in overrides.items():
            key = f"scenario.initial.{code}.{attr}"
            if attr not in INITIAL_OVERRIDABLE:
                raise ConfigError(key, "unknown attribute", list(INITIAL_OVERRIDABLE))
            low, high = (0.01, 0.99) if attr == "alignment" else (0.0, 1.0)
            if not low <= value <= high:
                raise ConfigError(key, f"value {value} is out of range", f"[{low}, {high}]")
            values[attr] = values[attr].copy()
            values[attr][states.index(code)] = value


def _tie_tensor(path: Path, states: tuple[str, ...]) -> np.ndarray:
    ties = np.zeros((len(LAYERS), len(states), len(states)))
    for row in read_table(path):
        layer, source, target = row["layer"], row["source"], row["target"]
        if layer not in LAYERS:
            raise ConfigError(f"{path.name}: layer", f"unknown layer '{layer}'", list(LAYERS))
        if source in states and target in states:
            ties[LAYERS.index(layer), states.index(source), states.index(target)] = float(row["weight"])
    return ties


def split_pair(key: str, text: str, states: tuple[str, ...]) -> tuple[int, int]:
    """Indices of a 'SRC_DST' key, with an error naming the valid states."""
    parts = text.split("_")
    if len(parts) != 2 or parts[0] == parts[1]:
        raise ConfigError(key, f"'{text}' is not a pair of two different states", "SRC_DST, e.g. RUS_PRK")
    for code in parts:
        if code not in states:
            raise ConfigError(key, f"unknown state '{code}'", list(states))
    return states.index(parts[0]), states.index(parts[1])


def _apply_tie_scale(ties: np.ndarray, scale: dict[str, float], states: tuple[str, ...]) -> None:
    for pair, factor in scale.items():
        source, target = split_pair(f"scenario.tie_scale.{pair}", pair, states)
        ties[:, source, target] = np.clip(ties[:, source, target] * factor, 0.0, 1.0)


def _trust_matrix(path: Path, states: tuple[str, ...], overrides: dict[str, float]) -> np.ndarray:
    trust = np.full((len(states), len(states)), DEFAULT_TRUST)
    np.fill_diagonal(trust, 1.0)
    for row in read_table(path):
        truster, trusted = row["truster"], row["trusted"]
        if truster in states and trusted in states:
            trust[states.index(truster), states.index(trusted)] = float(row["value"])
    for pair, value in overrides.items():
        truster, trusted = split_pair(f"scenario.trust.{pair}", pair, states)
        trust[truster, trusted] = value
    return trust
