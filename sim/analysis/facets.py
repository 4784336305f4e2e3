"""Comparisons within each combination of the settings a sweep varied outside its design.

``python experiments/run.py -m experiment=compare_strategies model.patron_compensation=0.5,1.5,4.0``
runs the comparison three times. Pooling the three into one ranking would average
strategies over a constant the sweep was meant to vary, and hide whether the ranking holds
at each value. So the analysis splits the dataset into *facets*, one per combination of the
swept settings, and draws each facet's figures and tables in its own folder
(``figures/model.patron_compensation=0.5/`` ...), named in every caption.

Settings that only follow the scenario (a sweep over ``scenario=...`` changes every
``scenario.*`` key with it) are not facets: the scenario is already a column, drawn as
panels of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.consistency import flatten
from sim.experiment.dataset import Dataset
from sim.experiment.sweep_folders import SAFE


@dataclass(frozen=True)
class Facet:
    """One combination of swept settings and the part of the dataset run with it."""

    dataset: Dataset
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def folder(self) -> str:
        """Sub-folder of ``figures/`` for this facet ('' when nothing was swept)."""
        text = ",".join(f"{key}={value}" for key, value in self.settings.items())
        return SAFE.sub("_", text)

    def describe(self, labels: dict[str, str] | None = None) -> str:
        """``patron compensation (offset per unit of patron tie) = 0.5`` for captions and titles."""
        labels = labels or {}
        return ", ".join(f"{labels.get(key, key)} = {value}" for key, value in self.settings.items())


def _follows_scenario(summary: pd.DataFrame, key: str) -> bool:
    """True when a swept setting takes one value per scenario (it moved with the scenario)."""
    if "scenario" not in summary.columns or summary["scenario"].nunique() < 2:
        return False
    return bool((summary.groupby("scenario")[key].nunique(dropna=False) == 1).all())


def swept_settings(dataset: Dataset) -> list[str]:
    """Settings varied outside the design that the analysis must keep apart."""
    return [key for key in dataset.varying if not _follows_scenario(dataset.summary, key)]


def _manifests(dataset: Dataset, settings: dict[str, Any]) -> list[dict[str, Any]]:
    def matches(manifest: dict[str, Any]) -> bool:
        flat = flatten(manifest.get("config", {}))
        return all(json.dumps(flat.get(k)) == json.dumps(v) for k, v in settings.items())

    return [manifest for manifest in dataset.manifests if matches(manifest)]


def facets(dataset: Dataset) -> list[Facet]:
    """The dataset as it is when nothing was swept outside the design, else one facet per
    combination of swept settings (in sorted order)."""
    keys = swept_settings(dataset)
    if not keys:
        return [Facet(dataset)]
    combinations = dataset.summary[keys].drop_duplicates().sort_values(keys)
    found = []
    for values in combinations.itertuples(index=False):
        settings = {key: _plain(value) for key, value in zip(keys, values, strict=True)}
        found.append(Facet(dataset.subset(settings, _manifests(dataset, settings)), settings))
    return found


def _plain(value: Any) -> Any:
    """NumPy scalars as Python values, so facet names and JSON read naturally."""
    return value.item() if hasattr(value, "item") else value


def facets_note(found: list[Facet], labels: dict[str, str]) -> str:
    """figures/README.md of a faceted analysis: what was split, and where each part is."""
    keys = list(found[0].settings)
    lines = [
        "# Figures and tables, one folder per swept setting",
        "",
        f"This sweep varied {', '.join(f'`{key}`' for key in keys)} outside its design. Strategies are",
        "compared within each combination of these settings, never pooled across them; each",
        "combination has its own folder:",
        "",
    ]
    lines += [f"- [`{facet.folder}/`]({facet.folder}/): {facet.describe(labels)}" for facet in found]
    return "\n".join(lines) + "\n"


def facet_path(out: Path, facet: Facet) -> Path:
    return out / facet.folder if facet.folder else out
