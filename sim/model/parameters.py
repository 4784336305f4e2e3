"""Typed configuration: the schema Hydra checks overrides against, with documented ranges.

Every modelling choice is a field here with a default, a range and a one-line meaning.
The dataclasses double as Hydra structured configs (a typo or wrong type fails before
anything runs) and :func:`check_ranges` names any value outside its range.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sim.common.errors import ConfigError


class Kind(StrEnum):
    """A closed vocabulary of a configuration field; Hydra rejects other values at compose time.

    A member prints and hashes like its plain string (``repr`` included), so identities
    derived from a configuration do not depend on whether it was composed by Hydra or
    built in Python.
    """

    def __repr__(self) -> str:
        return repr(self.value)


class LeverKind(Kind):
    """What a US lever does (docs/ODD.md, submodel "Levers")."""

    deal = "deal"
    sanctions = "sanctions"
    secondary_sanctions = "secondary_sanctions"
    tariffs = "tariffs"
    export_controls = "export_controls"
    alliances = "alliances"
    ceasefire = "ceasefire"


class EventKind(Kind):
    """What a dated event of a scenario does (docs/ODD.md, submodel "Events")."""

    war = "war"
    ceasefire = "ceasefire"
    sanctions = "sanctions"
    treaty = "treaty"
    abandonment = "abandonment"
    oil_price = "oil_price"
    trust = "trust"
    tie = "tie"


class ShockKind(Kind):
    """What a random shock does when it strikes a replicate world."""

    abandonment = "abandonment"
    oil_price = "oil_price"
    trust = "trust"


class Distribution(Kind):
    """How an uncertain constant of a parameter ensemble is drawn within its bounds."""

    uniform = "uniform"
    loguniform = "loguniform"


class CrnMode(Kind):
    """Which random streams replicates share: per scenario (common random numbers) or per configuration."""

    scenario = "scenario"
    configuration = "configuration"


LEVER_KINDS: tuple[str, ...] = tuple(LeverKind)
EVENT_KINDS: tuple[str, ...] = tuple(EventKind)
RANDOM_SHOCK_KINDS: tuple[str, ...] = tuple(ShockKind)
CRN_MODES: tuple[str, ...] = tuple(CrnMode)
DISTRIBUTIONS: tuple[str, ...] = tuple(Distribution)

AnyKind = TypeVar("AnyKind", bound=Kind)


def kind_of(key: str, value: object, kinds: type[AnyKind], noun: str) -> AnyKind:
    """``value`` as a member of ``kinds``, or a :class:`ConfigError` naming the key and the choices.

    Hydra checks kinds when it composes a configuration; this catches configurations built
    directly in Python.
    """
    try:
        return kinds(value)
    except ValueError:
        raise ConfigError(key, f"unknown {noun} '{value}'", [k.value for k in kinds]) from None


def param(default: Any, low: float, high: float, doc: str) -> Any:
    """A numeric parameter with its allowed range and meaning kept next to it."""
    return field(default=default, metadata={"range": (low, high), "doc": doc})


def _layer_weights() -> dict[str, float]:
    return {"energy": 1.0, "military": 1.0, "economic": 1.0, "diplomatic": 0.5, "treaty": 1.0}


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
    """Behavioural constants of the model (modelling choices, not world figures)."""

    tie_rate: float = param(
        0.1, 0.01, 0.5, "monthly share of the gap to its target a tie (and alliance strength) closes"
    )
    alignment_rate: float = param(0.25, 0.02, 1.0, "monthly share of the gap to its target alignment closes")
    threat_rate: float = param(0.1, 0.01, 0.5, "monthly adjustment rate of perceived threat")
    trust_rate: float = param(0.05, 0.0, 0.5, "monthly adjustment rate of trust")
    sanctions_rate: float = param(0.2, 0.01, 1.0, "monthly adjustment rate of sanctions exposure")
    rationality: float = param(3.0, 0.1, 20.0, "beta: log-odds of alignment per unit of net incentive")
    decision_noise: float = param(0.3, 0.0, 2.0, "sd of the monthly log-odds noise (bounded rationality)")
    layer_weights: dict[str, float] = field(
        default_factory=_layer_weights,
        metadata={"range": (0.0, 3.0), "doc": "phi_l: value of a unit tie in each layer"},
    )
    oil_amplifier: float = param(1.0, 0.0, 3.0, "how much oil revenue or dependence raises energy-tie value")
    sanctions_dependence: float = param(1.0, 0.0, 3.0, "kappa_s: sanctions raise the value of bloc ties")
    threat_cohesion: float = param(
        0.5, 0.0, 2.0, "kappa_theta: value of alignment per unit of perceived threat"
    )
    sanctions_busting: float = param(
        0.5, 0.0, 2.0, "kappa_bust: tie need per unit rise of sanctions exposure"
    )
    secondary_bite: float = param(
        0.4,
        0.0,
        3.0,
        "kappa_2: cost of trading with a sanctioned partner under secondary sanctions",
    )
    war_demand: float = param(0.5, 0.0, 1.0, "kappa_war: military tie demand per unit of war need")
    deal_value: float = param(0.8, 0.0, 3.0, "g: utility of a full, fully credible deal")
    coercion_relief: float = param(0.3, 0.0, 2.0, "kappa_relief: utility of escaping coercion by defecting")
    trade_pain: float = param(1.0, 0.0, 3.0, "weight of tariffs and export controls relative to sanctions")
    patron_compensation: float = param(
        1.5, 0.0, 4.0, "kappa_p: how much patrons can offset offers and pressure"
    )
    abandonment_response: float = param(
        0.3, -1.0, 1.0, "eta: >0 courted partners' allies tighten, <0 they hedge"
    )
    alliance_multiplier: float = param(
        1.0, 0.0, 3.0, "kappa_A: wedge effectiveness per unit of alliance strength"
    )
    threat_from_pressure: float = param(0.3, 0.0, 1.0, "tau_p: perceived threat per unit of coercion")
    threat_contagion: float = param(0.2, 0.0, 1.0, "tau_c: threat from coercion of tied partners")
    threat_from_alliances: float = param(
        0.3, 0.0, 1.0, "tau_A: perceived threat per unit rise of alliance strength"
    )
    threat_relief_from_deals: float = param(
        0.3, 0.0, 1.0, "tau_r: fall of perceived threat per unit of deal offered"
    )
    trust_sensitivity: float = param(0.5, 0.0, 1.0, "psi: how far trust follows a partner's alignment")
    abandonment_persistence: float = param(
        0.5, 0.0, 1.0, "share of an abandonment trust loss that is lasting"
    )
    sanctions_half_saturation: float = param(
        2000.0, 250.0, 10000.0, "designations at which sanctions exposure is one half"
    )
    outside_options: float = param(1.0, 0.1, 5.0, "value of relations outside the bloc when unsanctioned")
    aligned_threshold: float = param(0.5, 0.1, 0.9, "alignment at or above which a member counts as aligned")
    connectivity_floor: float = param(
        0.01, 0.0, 0.5, "algebraic connectivity below which the bloc counts as split"
    )
    affinity_threshold: float = param(
        0.1, 0.0, 1.0, "tie strength at which two members are neutral (energy metric)"
    )
    lever_costs: dict[str, float] = field(
        default_factory=_lever_costs,
        metadata={"range": (0.0, 5.0), "doc": "monthly budget cost of each lever at intensity 1"},
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
    layer: str | None = None
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
    learning_rate: float = param(0.5, 0.0, 1.0, "weight of the newest observation in a lever's value")
    temperature: float = param(0.05, 0.001, 10.0, "softmax temperature of the budget allocation")


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
