"""The Mesa model: many worlds of the bloc advanced one month per step.

``BlocModel(config)`` with ``replicates=1`` is an ordinary Mesa model; with
``replicates=10_000`` the same calls advance ten thousand worlds at once, and with a
table of worlds (:class:`~sim.model.worlds.Worlds`) a whole design chunk, each world with
its own parameter values.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

import mesa
import numpy as np
from scipy.special import logit

from sim.common.calendar import parse_month
from sim.common.errors import ConfigError
from sim.model.agents import BlocState, UnitedStates
from sim.model.bargains import movement
from sim.model.ensembles import DRAW, DrawTable, ensemble_values
from sim.model.events import CHANGES_TIES, RandomShocks, apply_event
from sim.model.incentives import Incentives, assess, start_values
from sim.model.metrics import Relations, measure, measure_states
from sim.model.parameters import ModelParameters, RunConfig, check_ranges
from sim.model.records import Recorder
from sim.model.references import CHANGES_REFERENCE, References
from sim.model.resolution import resolve
from sim.model.seeding import Streams
from sim.model.strategies import Policy
from sim.model.world import World
from sim.model.worlds import Worlds, lift

logging.getLogger("MESA").setLevel(logging.WARNING)
T = TypeVar("T")


class BlocModel(mesa.Model):
    """The bloc under a US strategy, for many worlds at once.

    By default the worlds are R replicates of one parameter point (``replicates``
    starting at ``first_replicate``). Given ``worlds`` (a :class:`Worlds` table), every
    world may carry its own parameter values: a design chunk then runs as one batch, each
    world exactly as it would run alone. Under ``scenario.uncertainty`` each world also
    draws its constants from the ensemble (``draws``: a table of draws read elsewhere).
    """

    def __init__(
        self,
        config: RunConfig | None = None,
        *,
        first_replicate: int = 0,
        replicates: int | None = None,
        seed: int | None = None,
        worlds: Worlds | None = None,
        draws: DrawTable | None = None,
    ) -> None:
        config, worlds = _configured(config or RunConfig(), worlds, first_replicate, replicates, seed)
        super().__init__(seed=config.seed)
        worlds, self.world_labels = _with_ensemble(config, worlds, draws)
        resolved = resolve(config, worlds)
        self.config = config
        self.worlds = worlds
        self.params: ModelParameters = resolved.params
        self.replicate_ids = worlds.replicate
        self.replicates = len(worlds)
        self.horizon = config.horizon
        self.start = parse_month("scenario.start", config.scenario.start)
        self.calibration = resolved.calibration
        self.states = self.calibration.states
        self.events = resolved.events
        self.world = World.from_calibration(self.calibration, self.replicates, resolved.us.alliance_strength)
        self.previous = self.world
        self.start_log_odds = logit(self.world.start_alignment)  # S8's anchor, fixed for the run
        start = self.world.start_alignment
        self.start_closeness = start[:, :, None] * start[:, None, :]  # S10's a0_i a0_j, fixed too
        streams = Streams(config.seed, resolved.identities, resolved.identity_of_world, worlds.replicate)
        self.month_noise = streams.draw("decision_noise", (self.horizon, len(self.states)))  # (T, n, R)
        self.shocks = RandomShocks.draw(resolved.random_shocks, self.states, self.horizon, streams)
        self.relations = Relations.of(self.world, self.params)
        self.kept_references = References()  # reference ties and strengths until a treaty event
        self.references = start_values(self.world, self.params)  # V0 (S2) and E0 (S11)
        self.month = 0
        self.policy = Policy.zeros(self.replicates, len(self.states))
        self.incentives: Incentives | None = None
        self.defection_month = np.full((self.replicates, len(self.states)), -1)
        for index, code in enumerate(self.states):
            BlocState(self, code, index)
        adaptive = resolved.adaptive
        jitter = None
        if adaptive.enabled:
            reviews = self.horizon // int(np.min(adaptive.review_every)) + 1
            drawn = streams.draw("exploration", (reviews, len(resolved.levers)))  # (reviews, Q, R)
            jitter = np.moveaxis(drawn, -1, 0)  # (R, reviews, Q), as the learner reads it
        self.us = UnitedStates(self, resolved.levers, resolved.us, adaptive, self.states, jitter)
        self.recorder = Recorder(self, record_ties=config.record_ties, ties_every=config.ties_every)
        # Without a time series, ties or a lever conditioned on a metric, the metrics of
        # months between the start and the horizon are read by nothing: skip them.
        reads_metrics = any(lever.condition and lever.condition.metric for lever in self.us.levers)
        self._measured_monthly = config.record_timeseries or config.record_ties or reads_metrics
        self._measured: Relations | None = None
        self._month_values: dict[str, Any] = {}
        # the per-state metrics' work array, kept for the run once made: at R = 10,000 a new
        # (R, L, n, n) array each month costs more in page faults than the arithmetic in it
        self._metric_scratch: np.ndarray | None = None
        self._observe()

    @property
    def noise(self) -> np.ndarray:
        """(R, T, n): the standard-normal decision noise of every world, month and state."""
        return self.month_noise.transpose(2, 0, 1)

    @property
    def ever_defected(self) -> np.ndarray:
        """(R, n): whether each member has been below the alignment threshold at some month."""
        return self.defection_month >= 0

    @property
    def bloc_states(self) -> mesa.agent.AgentSet:
        return self.agents_by_type[BlocState]

    def step(self) -> None:
        """One month: shocks, the US policy, then every state decides from last month's world."""
        struck = self._apply_shocks()
        if struck & CHANGES_REFERENCE:
            self.kept_references.forget(struck)
        self.previous = self.world.copy()
        self._month_values = {}
        self.relations = self._relations_of_previous(struck)
        self.us.step()
        self._update_alliances()
        relations = self.relations
        self.incentives = assess(
            self.previous,
            self.policy,
            self.us.credibility,
            self.references,
            self.params,
            relations.strength,
            relations.graph,
            self.kept_references,
            self.movement(),
        )
        self.us.pay_rewards(self.incentives.bargains.takeup)
        BlocState.decide(self)
        BlocState.decide_ties(self)
        self.month += 1
        self._observe()
        if self.month >= self.horizon:
            self.running = False

    def run(self) -> BlocModel:
        """Advance to the horizon and return self (records are in ``self.recorder``)."""
        while self.running:
            self.step()
        return self

    def movement(self) -> np.ndarray:
        """How far each state has moved toward defection since the start (S3), this month."""
        return self.this_month("movement", lambda: movement(self.previous, self.params))

    def this_month(self, name: str, compute: Callable[[], T]) -> T:
        """A quantity every state reads this month, computed once, by the first state that asks."""
        if name not in self._month_values:
            self._month_values[name] = compute()
        return self._month_values[name]

    def _apply_shocks(self) -> set[str]:
        """This month's dated events and random shocks; returns the kinds that struck."""
        struck = set()
        for event in self.events:
            if event.step == self.month:
                apply_event(self.world, event, slice(None), self.params)
                struck.add(event.kind)
        return struck | self.shocks.apply(self.world, self.month, len(self.states), self.params)

    def _relations_of_previous(self, struck: set[str]) -> Relations:
        """Relations of last month's world: those measured at its end, unless a shock has
        since changed the ties."""
        measured = self._measured
        if measured is None or struck & set(CHANGES_TIES):
            return Relations.of(self.previous, self.params)
        return measured

    def _update_alliances(self) -> None:
        """A3: alliance strength relaxes to its start level plus the share the lever closes."""
        previous = self.previous
        target = previous.start_alliance + (1.0 - previous.start_alliance) * self.policy.alliances
        rate = lift(self.params.tie_rate, 1)
        self.world.alliance = previous.alliance + rate * (target - previous.alliance)

    def _observe(self) -> None:
        """Track defections; measure the month when a time series, a lever or the summary reads it."""
        self.aligned_now = self.world.alignment >= lift(self.params.aligned_threshold, 2)
        newly = (self.defection_month < 0) & ~self.aligned_now
        self.defection_month[newly] = self.month
        self._measured = None
        if self.month == 0 or self.month >= self.horizon or self._measured_monthly:
            self.measure_now()

    def measure_now(self) -> None:
        """Measure the current month and hand it to the recorder."""
        relations = Relations.of(self.world, self.params) if self.month > 0 else self.relations
        self._measured = relations
        self.latest = measure(self.world, self.params, relations)
        rents = self.kept_references.rents(self.world, self.params)
        if self._metric_scratch is None:
            self._metric_scratch = np.empty_like(self.world.ties)
        self.latest_states = measure_states(
            self.world, self.params, relations, self.incentives, rents, self._metric_scratch
        )
        self.recorder.record(self.month)


def _configured(
    config: RunConfig, worlds: Worlds | None, first_replicate: int, replicates: int | None, seed: int | None
) -> tuple[RunConfig, Worlds]:
    """The run's configuration (range-checked) and its worlds: the table given, or R replicates."""
    if worlds is not None and (replicates is not None or first_replicate):
        raise ConfigError("worlds", "give either a table of worlds or first_replicate/replicates")
    count = len(worlds) if worlds is not None else config.replicates if replicates is None else replicates
    config = replace(config, replicates=count, seed=config.seed if seed is None else seed)
    check_ranges(config)
    return config, worlds if worlds is not None else Worlds.replicates(first_replicate, count)


def _with_ensemble(
    config: RunConfig, worlds: Worlds, draws: DrawTable | None
) -> tuple[Worlds, dict[str, np.ndarray]]:
    """Under a parameter ensemble, each world's drawn values, and the columns its tables get."""
    if not config.scenario.uncertainty.active:
        return worlds, {}
    draw, values = ensemble_values(config, worlds.replicate, draws)
    return worlds.with_values(values), {DRAW: draw, **values}
