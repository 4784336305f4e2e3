"""Observed values, their sources and the hindcast's pass criteria, read from data files.

``sim/validation/data/hindcast_observed.csv`` holds what was observed (with its source);
``hindcast_criteria.csv`` the tolerances, fixed before any run was read. The 2025
calibration's ties (``sim/data/baseline_2025/ties.csv``) are the observed tie strengths
of the end of 2024.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import pandas as pd

from sim.common.errors import ConfigError

REFERENCE_DATA = "baseline_2025"  # the project's independent estimate of the bloc in January 2025


def _package_file(*parts: str) -> Path:
    return Path(str(resources.files("sim").joinpath(*parts)))


@functools.lru_cache(maxsize=4)
def _named_values(file_name: str) -> pd.DataFrame:
    path = _package_file("validation", "data", file_name)
    table = pd.read_csv(path, dtype={"value": str})
    duplicated = table["name"][table["name"].duplicated()].tolist()
    if duplicated:
        raise ConfigError(f"{path.name}: name", f"duplicated rows {duplicated}")
    return table.set_index("name")


def _lookup(file_name: str, name: str) -> pd.Series:
    table = _named_values(file_name)
    if name not in table.index:
        raise ConfigError(f"{file_name}: name", f"no row '{name}'", sorted(table.index))
    return table.loc[name]


def observed(name: str) -> float:
    """An observed number, e.g. ``observed("china_crude_imports_from_russia_2024")``."""
    return float(_lookup("hindcast_observed.csv", name)["value"])


def observed_text(name: str) -> str:
    """An observed value as written (dates stay dates)."""
    return str(_lookup("hindcast_observed.csv", name)["value"])


def source(name: str) -> str:
    """The source of an observed value."""
    return str(_lookup("hindcast_observed.csv", name)["source"])


def criterion(name: str) -> float:
    """A pass criterion of the hindcast (a tolerance or threshold)."""
    return float(_lookup("hindcast_criteria.csv", name)["value"])


def reference_ties() -> pd.DataFrame:
    """The 2025 calibration's ties with their basis (figure, derived or judgement)."""
    return pd.read_csv(_package_file("data", REFERENCE_DATA, "ties.csv"))


def reference_weight(reference: pd.DataFrame, layer: str, source: str, target: str) -> float:
    """One observed directed tie of the 2025 calibration (0 where the data have no row)."""
    row = reference[
        (reference["layer"] == layer) & (reference["source"] == source) & (reference["target"] == target)
    ]
    return float(row["weight"].iloc[0]) if len(row) else 0.0
