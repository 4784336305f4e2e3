"""The Mesa model: R replicate worlds of the bloc advanced one month per step.

``BlocModel(config)`` with ``replicates=1`` is an ordinary Mesa model; with
``replicates=10_000`` the same calls advance ten thousand worlds at once.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import mesa
import numpy as np
from scipy.special import logit

from sim.common.calendar import parse_month
from sim.common.errors import ConfigError
from sim.model.agents import ECONOMIC, ENERGY, BlocState, Incentives, UnitedStates
from sim.model.calibration import load_calibration
from sim.model.events import RandomShocks, apply_event, compile_events
from sim.model.metrics import Relations, bloc_value, measure, measure_states
from sim.model.parameters import CRN_MODES, ModelParameters, RunConfig, check_ranges
from sim.model.records import Recorder
from sim.model.seeding import draw_per_replicate, stable_hash
from sim.model.strategies import Policy, compile_strategy
from sim.model.world import World

logging.getLogger("MESA").setLevel(logging.WARNING)


def stream_identity(config: RunConfig) -> str:
    """Identity of the random streams: the scenario (common random numbers) or the whole configuration."""
    if config.scenario.crn not in CRN_MODES:
        raise ConfigError("scenario.crn", f"unknown mode '{config.scenario.crn}'", list(CRN_MODES))
    if config.scenario.crn == "scenario":
        return f"scenario:{config.scenario.name}"
    world = (config.scenario, config.strategy, config.model)
    return f"configuration:{stable_hash(repr(world))}"


class BlocModel(mesa.Model):
    """The bloc under a US strategy, for R replicate worlds at once."""

    def __init__(
        self,
        config: RunConfig | None = None,
        *,
        first_replicate: int = 0,
        replicates: int | None = None,
        seed: int | None = None,
    ) -> None:
        config = config or RunConfig()
        config = replace(
            config,
            replicates=config.replicates if replicates is None else replicates,
            seed=config.seed if seed is None else seed,
        )
        check_ranges(config)
        super().__init__(seed=config.seed)
        self.config = config
        self.params: ModelParameters = config.model
        self.replicate_ids = np.arange(first_replicate, first_replicate + config.replicates)
        self.replicates = config.replicates
        self.horizon = config.horizon
        self.start = parse_month("scenario.start", config.scenario.start)
        self.calibration = load_calibration(config.scenario, config.model)
        self.states = self.calibration.states
        levers = compile_strategy(config.strategy, self.states, config.model)
        self.events = compile_events(config.scenario.events, self.states, self.start)
        self.world = World.from_calibration(
            self.calibration, self.replicates, config.scenario.us.alliance_strength
        )
        self.previous = self.world
        self.start_log_odds = logit(self.world.start_alignment)  # S8's anchor, fixed for the run
        identity = stream_identity(config)
        self.noise = draw_per_replicate(
            config.seed,
            identity,
            self.replicate_ids,
            "decision_noise",
            (self.horizon, len(self.states)),
        )
        self.shocks = RandomShocks.draw(
            config.scenario.random_shocks,
            self.states,
            self.horizon,
            config.seed,
            identity,
            self.replicate_ids,
        )
        self.relations = Relations.of(self.world, self.params)
        self.start_value = self._bloc_value(self.world, self.relations)
        self.month = 0
        self.policy = Policy.zeros(self.replicates, len(self.states))
        self.defection_month = np.full((self.replicates, len(self.states)), -1)
        for index, code in enumerate(self.states):
            BlocState(self, code, index)
        self.us = UnitedStates(self, levers, config.scenario.us, config.strategy.adaptive, self.states)
        self.recorder = Recorder(self, record_ties=config.record_ties, ties_every=config.ties_every)
        self._observe()

    @property
    def ever_defected(self) -> np.ndarray:
        """(R, n): whether each member has been below the alignment threshold at some month."""
        return self.defection_month >= 0

    @property
    def bloc_states(self) -> mesa.agent.AgentSet:
        return self.agents_by_type[BlocState]

    def step(self) -> None:
        """One month: shocks, the US policy, then every state decides from last month's world."""
        self._apply_shocks()
        self.previous = self.world.copy()
        self.relations = Relations.of(self.previous, self.params)
        self.us.step()
        self._update_alliances()
        self.incentives = self._incentives()
        self.bloc_states.do("step")
        self.month += 1
        self._observe()
        if self.month >= self.horizon:
            self.running = False

    def run(self) -> BlocModel:
        """Advance to the horizon and return self (records are in ``self.recorder``)."""
        while self.running:
            self.step()
        return self

    def _apply_shocks(self) -> None:
        for event in self.events:
            if event.step == self.month:
                apply_event(self.world, event, slice(None), self.params)
        self.shocks.apply(self.world, self.month, len(self.states), self.params)

    def _update_alliances(self) -> None:
        """A3: alliance strength relaxes to its start level plus the share the lever closes."""
        previous = self.previous
        target = previous.start_alliance + (1.0 - previous.start_alliance) * self.policy.alliances
        self.world.alliance = previous.alliance + self.params.tie_rate * (target - previous.alliance)

    def _bloc_value(self, world: World, relations: Relations) -> np.ndarray:
        """S2: V_i = sum_j trust_ij P_ij (1 + kappa_s s_i c_j) + kappa_theta theta_i."""
        params = self.params
        partners = bloc_value(world, params, self.calibration.capacity, relations)
        return partners + params.threat_cohesion * world.threat

    def _incentives(self) -> Incentives:
        """S3-S6 and S10's deal cuts: offers, pressure, patron compensation, abandonment fear
        and the ties a deal asks its target to cut (a deal's named layers shrink as far as
        its target is dealing), from last month."""
        previous, policy, params, relations = self.previous, self.policy, self.params, self.relations
        alliance_effect = 1.0 + params.alliance_multiplier * previous.alliance
        graph = relations.graph
        pull = params.deal_value * policy.deal * self.us.credibility * alliance_effect[:, None]
        pain = params.coercion_relief * self._coercion(previous, policy, alliance_effect)
        compensation = np.minimum(pull + pain, self._patron_support(previous))
        fear = params.abandonment_response * np.einsum("rij,rj->ri", graph, pull)
        return Incentives(
            alliance_effect=alliance_effect,
            pull=pull,
            pain=pain,
            compensation=compensation,
            fear=fear,
            pressure=np.minimum(1.0, policy.sanctions + policy.secondary + policy.trade),
            value_change=self._bloc_value(previous, relations) / self.start_value - 1.0,
            graph=graph,
            deal_keep=1.0 - policy.deal_cut * (1.0 - previous.alignment)[:, None, :],
        )

    def _coercion(self, previous: World, policy: Policy, alliance_effect: np.ndarray) -> np.ndarray:
        """S4: sanctions above baseline, trade pressure and secondary-sanction costs, (R, n)."""
        params = self.params
        extra_sanctions = np.maximum(0.0, previous.sanctions - previous.baseline_sanctions)
        trade = params.trade_pain * self.calibration.us_exposure * policy.trade * alliance_effect[:, None]
        strength = self.relations.strength
        busted = np.einsum("rij,rj->ri", strength[:, ENERGY] + strength[:, ECONOMIC], previous.sanctions)
        secondary = params.secondary_bite * policy.secondary * alliance_effect[:, None] * busted
        return extra_sanctions + trade + secondary

    def _patron_support(self, previous: World) -> np.ndarray:
        """S5: kappa_p sum_j a_j trust_ij capacity_j P_ji / sum phi: what partners can offer i, (R, n)."""
        params = self.params
        value_to_patron = np.swapaxes(self.relations.partner_value, -1, -2)
        normaliser = sum(params.layer_weights.values())
        willing = previous.alignment[:, None, :] * previous.trust * self.calibration.capacity
        n = len(self.states)
        willing = willing * (1.0 - np.eye(n))
        return params.patron_compensation * np.einsum("rij,rij->ri", willing, value_to_patron) / normaliser

    def _observe(self) -> None:
        """Measure this month, track defections and hand everything to the recorder."""
        relations = Relations.of(self.world, self.params) if self.month > 0 else self.relations
        self.latest = measure(self.world, self.params, relations)
        self.latest_states = measure_states(self.world, self.params, self.calibration.capacity, relations)
        self.aligned_now = self.world.alignment >= self.params.aligned_threshold
        newly = (self.defection_month < 0) & ~self.aligned_now
        self.defection_month[newly] = self.month
        self.recorder.record(self.month)
