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
    """Collects one snapshot per month from a :class:`BlocModel`.

    Without a time series (``record_timeseries=false``) only the latest snapshot is
    kept, so a run's memory does not grow with its horizon. Tables list the worlds of
    one parameter point together, month by month, as separate runs of each point would.
    """

    def __init__(self, model: BlocModel, record_ties: bool = False, ties_every: int = 1) -> None:
        self.model = model
        self.history = model.config.record_timeseries
        self.record_ties = record_ties
        self.ties_every = ties_every
        self.tie_steps: list[int] = []
        self.steps: list[int] = []
        self.bloc: list[dict[str, np.ndarray]] = []
        self.per_state: list[dict[str, np.ndarray]] = []
        self.trust: list[np.ndarray] = []
        self.ties: list[np.ndarray] = []
        self.blocks = model.worlds.blocks()

    def record(self, step: int) -> None:
        model = self.model
        if not self.history:
            for kept in (self.steps, self.bloc, self.per_state, self.trust):
                kept.clear()
        self.steps.append(step)
        self.bloc.append(model.latest)
        self.per_state.append({name: values.copy() for name, values in model.latest_states.items()})
        self.trust.append(model.world.trust.copy())
        if self.record_ties and (step % self.ties_every == 0 or step == model.horizon):
            self.tie_steps.append(step)
            self.ties.append(model.world.ties.copy())

    def _rows(self, snapshots: list[np.ndarray]) -> np.ndarray:
        """Per-month arrays (W, ...) as table rows: point by point, month by month, world by world."""
        stacked = np.stack(snapshots)  # (T, W, ...)
        rest = stacked.shape[2:]
        if len(self.blocks) == 1:
            return stacked.reshape(-1, *rest)
        return np.concatenate([stacked[:, block].reshape(-1, *rest) for block in self.blocks])

    def world_index(self, table: str) -> np.ndarray:
        """The position of the world of every row of ``table`` (summary, timeseries or ties)."""
        worlds = np.arange(self.model.replicates)
        if table == "summary":
            return worlds
        if table == "timeseries":
            return self._rows([worlds] * len(self.steps))
        n = len(self.model.states)
        per_world = len(LAYERS) * n * (n - 1)
        return np.concatenate(
            [np.tile(np.repeat(worlds[block], per_world), len(self.tie_steps)) for block in self.blocks]
        )

    def _labels(self, steps: list[int]) -> Columns:
        """replicate, step and date of every row of a per-month table."""
        model = self.model
        steps_array = np.asarray(steps, dtype=np.int64)
        dates = np.asarray([month_label(model.start, s) for s in steps])
        per_block = [
            (np.tile(model.replicate_ids[block], len(steps)), block.stop - block.start)
            for block in self.blocks
        ]
        return {
            "replicate": np.concatenate([ids for ids, _ in per_block]),
            "step": np.concatenate([np.repeat(steps_array, size) for _, size in per_block]),
            "date": np.concatenate([np.repeat(dates, size) for _, size in per_block]),
        }

    def timeseries(self) -> Columns:
        """One row per (world, step): replicate, step, date, then one column per metric."""
        if not self.history:
            raise ValueError("the time series was not recorded; set record_timeseries=true")
        model = self.model
        columns = {**self._labels(self.steps), **self._world_labels(len(self.steps))}
        for name in BLOC_METRICS:
            columns[name] = self._rows([snapshot[name] for snapshot in self.bloc])
        for name in STATE_METRICS:
            stacked = self._rows([snapshot[name] for snapshot in self.per_state])
            for index, code in enumerate(model.states):
                columns[f"{name}_{code}"] = stacked[:, index]
        trust = self._rows(self.trust)
        for a, source in enumerate(model.states):
            for b, target in enumerate(model.states):
                if a != b:
                    columns[f"trust_{source}_{target}"] = trust[:, a, b]
        return columns

    def _world_labels(self, repeats: int) -> Columns:
        """Columns a world carries besides its replicate (an ensemble's draw and values)."""
        labels = self.model.world_labels
        if not labels:
            return {}
        return {name: self._rows([values] * repeats) for name, values in labels.items()}

    def summary(self) -> Columns:
        """One row per world: final metrics, time to first defection (censored), US cost."""
        model = self.model
        if self.steps[-1] != model.month:
            model.measure_now()
        final = self.bloc[-1]
        columns: dict[str, np.ndarray] = {"replicate": model.replicate_ids, **self._world_labels(1)}
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
        stacked = np.stack(self.ties)  # (T, W, L, n, n)
        pieces = [self._ties_rows(stacked[:, block], block) for block in self.blocks]
        return {name: np.concatenate([piece[name] for piece in pieces]) for name in pieces[0]}

    def _ties_rows(self, stacked: np.ndarray, block: slice) -> Columns:
        model = self.model
        t, r, layer, i, j = np.indices(stacked.shape).reshape(5, -1)
        keep = i != j
        states = np.asarray(model.states)
        steps = np.asarray(self.tie_steps)
        labels = np.asarray([month_label(model.start, s) for s in self.tie_steps])
        return {
            "replicate": model.replicate_ids[block][r[keep]],
            **{name: values[block][r[keep]] for name, values in model.world_labels.items()},
            "step": steps[t[keep]],
            "date": labels[t[keep]],
            "layer": np.asarray(LAYERS)[layer[keep]],
            "source": states[i[keep]],
            "target": states[j[keep]],
            "weight": stacked.reshape(-1)[keep],
        }
