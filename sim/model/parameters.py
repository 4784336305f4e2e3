"""Typed configuration: the schema Hydra checks overrides against, with documented ranges.

Every modelling choice is a field here with a default, a range and a one-line meaning.
The dataclasses double as Hydra structured configs (a typo or wrong type fails before
anything runs) and :func:`check_ranges` names any value outside its range.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from sim.common.errors import ConfigError
from sim.model.kinds import CRN_MODES as CRN_MODES
from sim.model.kinds import DISTRIBUTIONS as DISTRIBUTIONS
from sim.model.kinds import EVENT_KINDS as EVENT_KINDS
from sim.model.kinds import LEVER_KINDS as LEVER_KINDS
from sim.model.kinds import RANDOM_SHOCK_KINDS as RANDOM_SHOCK_KINDS
from sim.model.kinds import CrnMode, Distribution, EventKind, LeverKind, ShockKind
from sim.model.kinds import Kind as Kind
from sim.model.kinds import kind_of as kind_of


def param(default: Any, low: float, high: float, doc: str) -> Any:
    """A numeric parameter with its allowed range and meaning kept next to it."""
    return field(default=default, metadata={"range": (low, high), "doc": doc})


def _layer_weights() -> dict[str, float]:
    return {"energy": 1.0, "military": 1.0, "economic": 1.0, "diplomatic": 0.5, "treaty": 1.0}


def _layer_rents() -> dict[str, float]:
    return {"energy": 0.3, "military": 0.5, "economic": 0.2, "diplomatic": 0.05, "treaty": 0.1}


def _lever_costs() -> dict[str, float]:
    return {
        "deal": 0.4,
        "sanctions": 0.2,
        "secondary_sanctions": 0.3,
        "tariffs": 0.2,
        "export_controls": 0.2,
        "alliances": 0.3,
        "ceasefire": 0.3,
    }


@dataclass
class ModelParameters:
    """Behavioural constants of the model (modelling choices, not world figures).

    Every term of a state's decision is in one unit, per cent of that state's annual GDP
    ("% GDP"); parameters that convert into it say so in their documentation.
    """

    tie_rate: float = param(
        0.1, 0.01, 0.5, "monthly share of the gap to its target a tie (and alliance strength) closes"
    )
    alignment_rate: float = param(0.25, 0.02, 1.0, "monthly share of the gap to its target alignment closes")
    threat_rate: float = param(0.1, 0.01, 0.5, "monthly adjustment rate of perceived threat")
    trust_rate: float = param(0.05, 0.0, 0.5, "monthly adjustment rate of trust")
    sanctions_rate: float = param(0.2, 0.01, 1.0, "monthly adjustment rate of sanctions exposure")
    rationality: float = param(
        0.4, 0.05, 10.0, "beta: log-odds of alignment per % GDP of net incentive to stay"
    )
    decision_noise: float = param(0.3, 0.0, 2.0, "sd of the monthly log-odds noise (bounded rationality)")
    layer_weights: dict[str, float] = field(
        default_factory=_layer_weights,
        metadata={"range": (0.0, 3.0), "doc": "phi_l: weight of a layer in the tie graph and tie density"},
    )
    layer_rents: dict[str, float] = field(
        default_factory=_layer_rents,
        metadata={
            "range": (0.0, 3.0),
            "doc": "rho_l: share of a tie's annual flow (energy, military, economic) or of the "
            "defence burden (diplomatic, treaty) a state would lose with the tie",
        },
    )
    oil_amplifier: float = param(
        1.0, 0.0, 3.0, "kappa_o: elasticity of energy-tie value to the oil stake (oil price shocks)"
    )
    sanctions_dependence: float = param(1.0, 0.0, 3.0, "kappa_s: sanctions raise the value of bloc ties")
    threat_cohesion: float = param(
        0.5, 0.0, 2.0, "kappa_theta: share of the defence burden alignment is worth per unit of threat"
    )
    sanctions_busting: float = param(
        0.5, 0.0, 2.0, "kappa_bust: tie need per unit rise of sanctions exposure"
    )
    secondary_bite: float = param(
        0.4,
        0.0,
        3.0,
        "kappa_2: share of Western exports put at risk, and of trade ties cut, per unit of "
        "trade with fully sanctioned partners under secondary sanctions",
    )
    war_demand: float = param(0.5, 0.0, 1.0, "kappa_war: military tie demand per unit of war need")
    sanctions_cost: float = param(10.0, 0.0, 30.0, "L: GDP loss a year at full sanctions exposure, % GDP")
    deal_value: float = param(1.0, 0.0, 3.0, "g: size of a deal's package relative to the reference package")
    deal_relief: float = param(
        0.5, 0.0, 1.0, "rho_R: share of the target's sanctions exposure the reference package lifts"
    )
    deal_trade: float = param(2.0, 0.0, 10.0, "T_D: trade access the reference package opens, % GDP")
    coercion_relief: float = param(
        0.5, 0.0, 1.0, "kappa_relief: share of the cost of US coercion a state escapes by defecting"
    )
    trade_pain: float = param(
        0.2, 0.0, 1.0, "kappa_trade: share of exports to the US and allies lost under full trade pressure"
    )
    patron_compensation: float = param(
        0.1, 0.0, 1.0, "kappa_w: share of a client's annual value to it a patron pays at most to keep it"
    )
    patron_budget: float = param(
        1.0, 0.0, 5.0, "kappa_B: % of GDP a patron of capacity 1 can spend a year binding clients"
    )
    abandonment_response: float = param(
        0.3, -1.0, 1.0, "eta: >0 a dealing partner's allies tighten, <0 they hedge"
    )
    entrapment_economic: float = param(
        0.1, 0.0, 1.0, "kappa_Ee: share of Western exports at risk per unit of tie to a partner at war"
    )
    entrapment_military: float = param(
        0.1,
        0.0,
        1.0,
        "kappa_Em: share of the defence burden at risk per unit of treaty with a partner at war",
    )
    alliance_multiplier: float = param(
        1.0, 0.0, 3.0, "kappa_A: reach of US coercion and relief per unit of alliance strength"
    )
    threat_from_pressure: float = param(0.3, 0.0, 1.0, "tau_p: perceived threat per unit of coercion")
    threat_contagion: float = param(0.2, 0.0, 1.0, "tau_c: threat from coercion of tied partners")
    threat_from_alliances: float = param(
        0.3, -1.0, 1.0, "tau_A: threat per unit rise of alliance strength; >0 provokes, <0 deters"
    )
    threat_relief_from_deals: float = param(
        0.3, 0.0, 1.0, "alpha: share of perceived threat the reference package's assurance removes"
    )
    trust_sensitivity: float = param(0.5, 0.0, 1.0, "psi: how far trust follows a partner's alignment")
    abandonment_persistence: float = param(
        0.5, 0.0, 1.0, "rho: fall of a client's trust target per unit of abandonment by its patron"
    )
    sanctions_half_saturation: float = param(
        2000.0, 250.0, 10000.0, "designations at which sanctions exposure is one half"
    )
    outside_options: float = param(
        10.0, 0.1, 100.0, "omega: value of relations outside the bloc when unsanctioned, % GDP"
    )
    aligned_threshold: float = param(0.5, 0.1, 0.9, "alignment at or above which a member counts as aligned")
    connectivity_floor: float = param(
        0.01, 0.0, 0.5, "algebraic connectivity below which the bloc counts as split"
    )
    affinity_threshold: float = param(
        0.1, 0.0, 1.0, "tie strength at which two members are neutral (energy metric)"
    )
    lever_costs: dict[str, float] = field(
        default_factory=_lever_costs,
        metadata={
            "range": (0.0, 5.0),
            "doc": "monthly budget cost of each lever at intensity 1 (rewards: when fully taken up)",
        },
    )


@dataclass
class USConfig:
    """The wedge strategist's capacities (world situation, swept by scenario overrides)."""

    budget: float = param(1.0, 0.0, 100.0, "monthly budget of diplomatic and economic capital")
    credibility: float = param(0.5, 0.0, 1.0, "probability-like discount on any US deal")
    deal_credibility: dict[str, float] = field(
        default_factory=dict,
        metadata={
            "range": (0.0, 1.0),
            "doc": "per-target override of credibility (e.g. rapport with Kim)",
        },
    )
    alliance_strength: float = param(0.5, 0.0, 1.0, "A: strength of US alliances at the start")


@dataclass
class EventConfig:
    """A dated shock applied to every replicate (scenario data, not strategy)."""

    date: str = "2025-01"
    kind: EventKind = EventKind.war
    actors: list[str] = field(default_factory=list)
    magnitude: float = 1.0
    note: str = ""


@dataclass
class RandomShockConfig:
    """A shock that strikes each replicate independently with a monthly rate."""

    kind: ShockKind = ShockKind.abandonment
    rate: float = param(0.01, 0.0, 1.0, "monthly probability per replicate")
    magnitude: float = 0.3
    actors: list[str] = field(default_factory=list)


@dataclass
class UncertainParameterConfig:
    """One uncertain constant of a parameter ensemble: a dotted path and its distribution."""

    name: str = ""
    distribution: Distribution = Distribution.uniform
    low: float | None = None  # default: the low end of the parameter's documented range
    high: float | None = None  # default: its high end


@dataclass
class UncertaintyConfig:
    """A parameter ensemble: every world draws its constants (docs/experiments.md, Uncertainty).

    Replicate r takes draw r (``draws: 0``) or draw r mod ``draws``, from the
    distributions in ``parameters`` or from the rows of ``file`` (CSV or Parquet with a
    ``draw`` column and one column per dotted path). Draw d's values depend on d and
    ``seed`` only, so every strategy, chunk and batch sees the same draws.
    """

    parameters: list[UncertainParameterConfig] = field(default_factory=list)
    file: str | None = None
    draws: int = param(0, 0, 10_000_000, "distinct draws (0: one per replicate, or every row of the file)")
    seed: int = param(0, 0, 2**63 - 1, "seed of the parameter draws (not of the model's streams)")

    @property
    def active(self) -> bool:
        return bool(self.parameters) or self.file is not None


@dataclass
class ScenarioConfig:
    """Which world to start from: states, calibration data, scheduled and random shocks."""

    name: str = "baseline_2025"
    start: str = "2025-01"
    data: str = "baseline_2025"
    states: list[str] = field(default_factory=lambda: ["CHN", "RUS", "IRN", "PRK"])
    tie_scale: dict[str, float] = field(
        default_factory=dict,
        metadata={
            "range": (0.0, 5.0),
            "doc": "multiplier on all start ties SRC->DST, keys 'SRC_DST'",
        },
    )
    trust: dict[str, float] = field(
        default_factory=dict,
        metadata={"range": (0.0, 1.0), "doc": "start trust overrides, keys 'TRUSTER_TRUSTED'"},
    )
    initial: dict[str, dict[str, float]] = field(default_factory=dict)
    us: USConfig = field(default_factory=USConfig)
    events: list[EventConfig] = field(default_factory=list)
    random_shocks: list[RandomShockConfig] = field(default_factory=list)
    swing_buyers: dict[str, float] = field(
        default_factory=dict,
        metadata={
            "range": (0.0, 1.0),
            "doc": "share of a state's exports outside buyers absorb, undercutting sanctions",
        },
    )
    crn: CrnMode = CrnMode.scenario
    # How worlds are made, not what a world is: kept out of the repr, so the identity of a
    # world's random streams (crn=configuration) is that of its own parameter values.
    uncertainty: UncertaintyConfig = field(default_factory=UncertaintyConfig, repr=False)


@dataclass
class LeverConfig:
    """One US lever: what it does to whom, how hard, when, and at what cost."""

    kind: LeverKind = LeverKind.sanctions
    target: str | None = None
    intensity: float = param(1.0, 0.0, 1.0, "share of the lever's full strength")
    start: int = param(0, 0, 10_000, "first month (0 = scenario start) the lever acts")
    end: int | None = None
    condition: str | None = None
    cost: float | None = None
    cut: list[str] = field(default_factory=lambda: ["military"])


@dataclass
class AdaptiveConfig:
    """The adaptive US: reallocates budget among its levers from what it observes."""

    enabled: bool = False
    review_every: int = param(3, 1, 48, "months between budget reviews")
    learning_rate: float = param(
        0.3, 0.0, 1.0, "forgetting: weight of the newest review in the per-lever effect estimates"
    )
    temperature: float = param(
        0.2, 0.001, 10.0, "softmax temperature of the budget allocation, relative to the best lever's value"
    )
    exploration: float = param(
        0.5, 0.0, 2.0, "sd of the log-normal jitter of budget shares (exploration that separates levers)"
    )


@dataclass
class StrategyConfig:
    """A US strategy as data: a list of levers, optionally adaptive."""

    name: str = "status_quo"
    description: str = ""
    levers: list[LeverConfig] = field(default_factory=list)
    adaptive: AdaptiveConfig = field(default_factory=AdaptiveConfig)


@dataclass
class RunConfig:
    """A single model run: what the entry point needs besides Hydra's own settings."""

    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    strategy: StrategyConfig = field(default_factory=StrategyConfig)
    model: ModelParameters = field(default_factory=ModelParameters)
    replicates: int = param(100, 1, 10_000_000, "replicate worlds")
    horizon: int = param(48, 1, 1200, "months to simulate")
    seed: int = param(20250101, 0, 2**63 - 1, "root seed")
    record_timeseries: bool = True
    record_ties: bool = False
    ties_every: int = param(1, 1, 1200, "record ties every k months (the start and horizon always)")


def check_ranges(node: Any, prefix: str = "") -> None:
    """Raise :class:`ConfigError` naming the first value outside its documented range."""
    if not is_dataclass(node):
        return
    for spec in fields(node):
        key = f"{prefix}{spec.name}"
        value = getattr(node, spec.name)
        bounds = spec.metadata.get("range")
        if bounds is not None:
            _check_value(key, value, bounds)
        if is_dataclass(value):
            check_ranges(value, prefix=f"{key}.")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                check_ranges(item, prefix=f"{key}[{index}].")


def _check_value(key: str, value: Any, bounds: tuple[float, float]) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            _check_value(f"{key}.{name}", item, bounds)
        return
    if value is None:
        return
    low, high = bounds
    if not low <= value <= high:
        raise ConfigError(key, f"value {value} is out of range", f"[{low}, {high}]")
