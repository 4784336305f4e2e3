"""Results in a notebook: one call opens a run or a sweep and returns tidy tables.

    from sim.analysis import results

    run = results.latest("compare_strategies")        # newest run or sweep of that experiment
    run = results.latest("compare_strategies", kind="run")  # newest single run
    run = results.load("results/sweeps/phase_diagram/default")
    run.summary, run.timeseries, run.ties             # pandas DataFrames (columns below)
    run.outcomes(["cohesion", "intact"])              # long: one row per world and outcome
    run.ranking()                                     # the ranking table's numbers
    results.use_style()                               # the project's figure style, in one line
    colors = results.strategy_colors(run.strategies)  # the colour every figure gives each strategy

Which files are read: the tables of each job (``summary.parquet`` ... next to its
``manifest.json``), checked against the manifest's checksums, never a copy. A sweep's
``combined/`` folder holds the same rows stacked, for other tools; :func:`load` does not
need it.

Columns (every table is tidy: one observation per row):

``summary``, one row per (strategy, design point, replicate world):
    ``scenario``, ``strategy``, ``point`` (design point index), the design parameters by
    their configuration paths (``model.deal_value`` ...) and any setting a sweep varied
    (same naming), ``replicate``; the bloc's metrics at the horizon: ``cohesion``
    (weighted tie density, 0-1), ``density_<layer>``, ``connectivity``, ``aligned``
    (members aligned), ``intact`` (every member aligned and the tie graph connected),
    ``energy``, ``frustration``; per member ``alignment_<ISO3>``, ``dependence_<ISO3>``,
    ``threat_<ISO3>``, ``sanctions_<ISO3>``, ``defection_month_<ISO3>``,
    ``defected_<ISO3>``; ``time_to_defection`` (months, censored at the horizon),
    ``defected`` (a member defected at some time), ``first_defector``, ``us_cost``
    (budget units spent).
``timeseries``, one row per (strategy, design point, replicate, month):
    the identifying columns above, ``step`` (months from the start), ``date`` (YYYY-MM),
    the same metrics per month, and ``trust_<A>_<B>``.
``ties`` (runs with ``record_ties=true``), one row per (strategy, replicate, month, layer,
    ordered pair): ``layer``, ``source``, ``target``, ``weight`` (0-1).

Reader labels and units of the metrics: :func:`sim.common.vocabulary.metric_label`; of
parameters: :func:`sim.analysis.labels.parameter_label`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from sim.analysis.facets import swept_settings
from sim.experiment.configuration import Config, rehydrate
from sim.experiment.dataset import COMBINED, FIGURES, Dataset, IncompleteSweepError, gather
from sim.experiment.storage import MANIFEST
from sim.publish import statistics as st
from sim.publish.colors import strategy_colors
from sim.publish.style import use_paper_style

__all__ = ["Results", "latest", "load", "strategy_colors", "use_style"]
IDENTIFIERS = ("scenario", "strategy", "point", "replicate")


def use_style() -> None:
    """Make the project's figure style (fonts, sizes, palette) the default of this session."""
    use_paper_style()


@dataclass
class Results:
    """A run or sweep folder, read once: its tables, configuration and provenance."""

    path: Path
    dataset: Dataset

    @property
    def summary(self) -> pd.DataFrame:
        return self.dataset.summary

    @property
    def timeseries(self) -> pd.DataFrame | None:
        return self.dataset.timeseries

    @property
    def ties(self) -> pd.DataFrame | None:
        return self.dataset.ties

    @property
    def manifests(self) -> list[dict]:
        """Provenance of every job: git commit, versions, seed, configuration hash, times."""
        return self.dataset.manifests

    @cached_property
    def config(self) -> Config:
        """The typed configuration the (first) job ran with."""
        return rehydrate(self.dataset.config)

    @property
    def strategies(self) -> list[str]:
        return sorted(self.summary["strategy"].unique())

    @property
    def settings(self) -> list[str]:
        """Columns of settings a sweep varied outside its design (compare within each value)."""
        return swept_settings(self.dataset)

    @property
    def figures(self) -> Path:
        return self.path / FIGURES

    def outcomes(self, names: Sequence[str] | None = None) -> pd.DataFrame:
        """The summary in long form: identifiers, design and swept columns, ``outcome``, ``value``."""
        names = list(names) if names is not None else [self.config.experiment.outcome]
        keys = [c for c in (*IDENTIFIERS, *self.dataset.design_parameters) if c in self.summary.columns]
        return self.summary.melt(id_vars=keys, value_vars=names, var_name="outcome", value_name="value")

    def ranking(self, outcome: str | None = None, reference: str | None = None) -> pd.DataFrame:
        """Strategies against the reference on the same worlds (see ``statistics.strategy_ranking``),
        one block per value of any swept setting."""
        outcome = outcome or str(self.config.experiment.outcome)
        reference = reference or self.config.experiment.reference
        by = [c for c in ("scenario", *self.settings) if c in self.summary.columns]
        design = [c for c in self.dataset.design_parameters if c not in by]
        return st.strategy_ranking(self.summary, outcome, reference, by=by, design=design)

    def __repr__(self) -> str:
        worlds = self.summary.groupby("strategy").size().min()
        return (
            f"Results({self.config.experiment.name!r}: {len(self.strategies)} strategies, "
            f"{worlds} rows per strategy, horizon {self.config.horizon} months, {len(self.manifests)} "
            f"job(s), {str(self.path)!r})"
        )


def load(path: str | Path) -> Results:
    """Open a run folder (``results/runs/<experiment>/<time>``) or a sweep folder."""
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is not a folder of results")
    return Results(path, gather(path, progress=False, write=False))


def _finished(folder: Path) -> str:
    """When the newest job under ``folder`` finished (ISO time), '' if none did."""
    times = []
    for manifest in folder.rglob(MANIFEST):
        if {COMBINED, FIGURES} & set(manifest.relative_to(folder).parts):
            continue
        try:
            times.append(json.loads(manifest.read_text()).get("finished", ""))
        except (OSError, json.JSONDecodeError):
            continue
    return max(times, default="")


KINDS = {"run": ("runs",), "sweep": ("sweeps", "paper"), "any": ("runs", "sweeps", "paper")}


def latest(experiment: str, results: str | Path = "results", *, kind: str = "any") -> Results:
    """The most recently finished run or sweep of ``experiment`` under ``results/``.

    ``kind="run"`` looks at single runs only (``results/runs/<experiment>/``),
    ``kind="sweep"`` at sweeps only (``results/sweeps/<experiment>/``, ``results/paper/``).
    """
    if kind not in KINDS:
        raise ValueError(f"kind: '{kind}' is not one of {sorted(KINDS)}")
    root = Path(results)
    parents = {
        "runs": root / "runs" / experiment,
        "sweeps": root / "sweeps" / experiment,
        "paper": root / "paper",
    }
    candidates = [
        folder
        for parent in (parents[name] for name in KINDS[kind])
        if parent.is_dir()
        for folder in parent.iterdir()
        if folder.is_dir() and (parent.name != "paper" or folder.name == experiment)
    ]
    finished = {folder: _finished(folder) for folder in candidates}
    done = [folder for folder, when in finished.items() if when]
    if not done:
        what = {"run": "run", "sweep": "sweep"}.get(kind, "run or sweep")
        raise IncompleteSweepError(f"no finished {what} of '{experiment}' under {root}")
    return load(max(done, key=lambda folder: finished[folder]))
