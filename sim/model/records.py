"""What a run keeps: per-month metrics, optional ties, and a per-replicate summary.

The recorder stores arrays as the model runs and builds tidy columns once at the end,
so recording costs a few array copies per month whatever R is. Columns are plain
NumPy arrays keyed by name; the experiment layer turns them into tables on disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.common.calendar import month_label
from sim.common.vocabulary import BLOC_METRICS, LAYERS, STATE_METRICS

if TYPE_CHECKING:
    from sim.model.bloc_model import BlocModel

Columns = dict[str, np.ndarray]


class Recorder:
    """Collects one snapshot per month from a :class:`BlocModel`."""

    def __init__(self, model: BlocModel, record_ties: bool = False, ties_every: int = 1) -> None:
        self.model = model
        self.record_ties = record_ties
        self.ties_every = ties_every
        self.tie_steps: list[int] = []
        self.steps: list[int] = []
        self.bloc: list[dict[str, np.ndarray]] = []
        self.per_state: list[dict[str, np.ndarray]] = []
        self.trust: list[np.ndarray] = []
        self.ties: list[np.ndarray] = []

    def record(self, step: int) -> None:
        model = self.model
        self.steps.append(step)
        self.bloc.append(model.latest)
        self.per_state.append({name: values.copy() for name, values in model.latest_states.items()})
        self.trust.append(model.world.trust.copy())
        if self.record_ties and (step % self.ties_every == 0 or step == model.horizon):
            self.tie_steps.append(step)
            self.ties.append(model.world.ties.copy())

    def timeseries(self) -> Columns:
        """One row per (replicate, step): replicate, step, date, then one column per metric."""
        model = self.model
        n_steps, replicates = len(self.steps), model.replicates
        columns: dict[str, np.ndarray] = {
            "replicate": np.tile(model.replicate_ids, n_steps),
            "step": np.repeat(np.asarray(self.steps, dtype=np.int64), replicates),
            "date": np.repeat([month_label(model.start, s) for s in self.steps], replicates),
        }
        for name in BLOC_METRICS:
            columns[name] = np.concatenate([snapshot[name] for snapshot in self.bloc])
        for name in STATE_METRICS:
            stacked = np.concatenate([snapshot[name] for snapshot in self.per_state])
            for index, code in enumerate(model.states):
                columns[f"{name}_{code}"] = stacked[:, index]
        trust = np.concatenate(self.trust)
        for a, source in enumerate(model.states):
            for b, target in enumerate(model.states):
                if a != b:
                    columns[f"trust_{source}_{target}"] = trust[:, a, b]
        return columns

    def summary(self) -> Columns:
        """One row per replicate: final metrics, time to first defection (censored), US cost."""
        model = self.model
        final = self.bloc[-1]
        columns: dict[str, np.ndarray] = {"replicate": model.replicate_ids}
        columns.update({name: final[name] for name in BLOC_METRICS})
        for name in STATE_METRICS:
            for index, code in enumerate(model.states):
                columns[f"{name}_{code}"] = self.per_state[-1][name][:, index]
        columns.update(self._defections())
        columns["us_cost"] = model.us.cumulative_cost.copy()
        columns["intact"] = columns["intact"].astype(bool)
        return columns

    def _defections(self) -> dict[str, np.ndarray]:
        """First defection of the bloc and of each member, censored at the horizon.

        ``first_defector`` names the member that defected first ('' if none; ties go to
        the member listed first in ``scenario.states``).
        """
        model = self.model
        months = model.defection_month
        per_state = months >= 0
        defected = per_state.any(axis=1)
        first = np.where(per_state, months, np.iinfo(months.dtype).max)
        who = np.asarray(model.states)[first.argmin(axis=1)]
        columns: dict[str, np.ndarray] = {
            "time_to_defection": np.where(defected, first.min(axis=1), model.month).astype(float),
            "defected": defected,
            "first_defector": np.where(defected, who, ""),
        }
        for index, code in enumerate(model.states):
            columns[f"defection_month_{code}"] = np.where(
                per_state[:, index], months[:, index], model.month
            ).astype(float)
            columns[f"defected_{code}"] = per_state[:, index]
        return columns

    def ties_table(self) -> Columns:
        """Long table of directed ties: replicate, step, date, layer, source, target, weight."""
        if not self.record_ties:
            raise ValueError("ties were not recorded; set record_ties=true")
        model = self.model
        stacked = np.stack(self.ties)  # (T, R, L, n, n)
        t, r, layer, i, j = np.indices(stacked.shape).reshape(5, -1)
        keep = i != j
        states = np.asarray(model.states)
        steps = np.asarray(self.tie_steps)
        labels = np.asarray([month_label(model.start, s) for s in self.tie_steps])
        return {
            "replicate": model.replicate_ids[r[keep]],
            "step": steps[t[keep]],
            "date": labels[t[keep]],
            "layer": np.asarray(LAYERS)[layer[keep]],
            "source": states[i[keep]],
            "target": states[j[keep]],
            "weight": stacked.reshape(-1)[keep],
        }
