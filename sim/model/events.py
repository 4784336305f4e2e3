"""Exogenous shocks: dated events from the scenario and random shocks with monthly rates.

Both act on every strategy alike. Random shocks are pre-drawn from each replicate's
exogenous stream, so replicate ``r`` meets the same shocks under every strategy
(common random numbers) and in any batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.common.calendar import month_offset, parse_month
from sim.common.errors import ConfigError
from sim.common.vocabulary import LAYERS
from sim.model.parameters import (
    EventConfig,
    EventKind,
    ModelParameters,
    RandomShockConfig,
    ShockKind,
    kind_of,
)
from sim.model.seeding import Streams
from sim.model.world import World
from sim.model.worlds import lift, pick

# Event kinds that change what tie relations are computed from (metrics.Relations): the
# ties themselves, and the oil stakes that weigh energy ties.
CHANGES_TIES: tuple[str, ...] = ("treaty",)
CHANGES_OIL: tuple[str, ...] = ("oil_price",)
ACTOR_COUNTS: dict[str, int | None] = {
    "war": 1,
    "ceasefire": 1,
    "sanctions": 1,
    "treaty": 2,
    "abandonment": 2,
    "oil_price": None,
    "trust": 2,
    "tie": 2,
}


@dataclass(frozen=True)
class Event:
    """A validated dated shock: ``step`` months after the scenario start."""

    step: int
    kind: str
    actors: tuple[int, ...]
    magnitude: float | np.ndarray  # (W,) where worlds differ
    layer: int | None
    label: str


def compile_events(
    events: Sequence[EventConfig], states: tuple[str, ...], start: tuple[int, int]
) -> tuple[Event, ...]:
    """Validate scenario events and place them on the model's month grid."""
    compiled = []
    for k, spec in enumerate(events):
        key = f"scenario.events[{k}]"
        kind_of(f"{key}.kind", spec.kind, EventKind, "event")
        step = month_offset(start, parse_month(f"{key}.date", spec.date))
        if step < 0:
            raise ConfigError(
                f"{key}.date",
                f"{spec.date} is before the scenario start",
                "a date on or after the start",
            )
        actors = _actor_indices(f"{key}.actors", spec.kind, spec.actors, states)
        layer = _event_layer(f"{key}.layer", spec)
        compiled.append(Event(step, spec.kind, actors, float(spec.magnitude), layer, spec.note or spec.kind))
    return tuple(sorted(compiled, key=lambda event: event.step))


def _actor_indices(key: str, kind: str, actors: Sequence[str], states: tuple[str, ...]) -> tuple[int, ...]:
    for code in actors:
        if code not in states:
            raise ConfigError(key, f"unknown state '{code}'", list(states))
    expected = ACTOR_COUNTS[kind]
    if expected is not None and len(actors) != expected:
        raise ConfigError(key, f"'{kind}' needs {expected} actor(s), got {list(actors)}")
    return tuple(states.index(code) for code in actors)


def _event_layer(key: str, spec: EventConfig) -> int | None:
    if spec.kind != "tie":
        return None
    if spec.layer not in LAYERS:
        raise ConfigError(key, f"tie events need a layer, got '{spec.layer}'", list(LAYERS))
    return LAYERS.index(spec.layer)


def apply_event(world: World, event: Event, mask: np.ndarray | slice, model: ModelParameters) -> None:
    """Apply one shock to the replicates selected by ``mask``.

    The magnitude (and the persistence of an abandonment) may differ between worlds.
    """
    m = pick(event.magnitude, mask)
    a = event.actors
    if event.kind in ("war", "ceasefire"):
        world.war[mask, a[0]] = m if event.kind == "war" else 0.0
    elif event.kind == "sanctions":
        gap = 1.0 - world.baseline_sanctions[mask, a[0]]
        world.baseline_sanctions[mask, a[0]] += np.clip(m, 0.0, 1.0) * gap
    elif event.kind == "treaty":
        treaty = LAYERS.index("treaty")
        for source, target in ((a[0], a[1]), (a[1], a[0])):
            world.ties[mask, treaty, source, target] = m
            world.baseline_ties[mask, treaty, source, target] = m
    elif event.kind == "abandonment":
        patron, client = a
        _shift_trust(world, mask, client, patron, -m, pick(model.abandonment_persistence, mask))
    elif event.kind == "trust":
        _shift_trust(world, mask, a[0], a[1], m, 1.0)
        _shift_trust(world, mask, a[1], a[0], m, 1.0)
    elif event.kind == "oil_price":
        rows = np.arange(world.replicates)[mask]
        who = list(a) if a else list(range(world.oil.shape[1]))
        index = np.ix_(rows, who)
        world.oil[index] = np.clip(world.oil[index] * lift(m, 2), 0.0, 1.0)
    elif event.kind == "tie":
        current = world.baseline_ties[mask, event.layer, a[0], a[1]]
        world.baseline_ties[mask, event.layer, a[0], a[1]] = np.clip(current + m, 0.0, 1.0)


def _shift_trust(world: World, mask, truster: int, trusted: int, change: float, persistence: float) -> None:
    world.trust[mask, truster, trusted] = np.clip(world.trust[mask, truster, trusted] + change, 0.0, 1.0)
    lasting = world.baseline_trust[mask, truster, trusted] + change * persistence
    world.baseline_trust[mask, truster, trusted] = np.clip(lasting, 0.0, 1.0)


@dataclass
class RandomShocks:
    """Pre-drawn random shocks: which replicate is struck in which month, on which pair."""

    specs: tuple[RandomShockConfig, ...]
    actors: tuple[tuple[int, ...], ...]
    occurrence: np.ndarray  # (T, K, R) uniforms
    pair: np.ndarray  # (T, K, R) uniforms choosing the ordered pair

    @classmethod
    def draw(
        cls,
        specs: Sequence[RandomShockConfig],
        states: tuple[str, ...],
        horizon: int,
        streams: Streams,
    ) -> RandomShocks:
        actors = []
        for k, spec in enumerate(specs):
            key = f"scenario.random_shocks[{k}]"
            kind_of(f"{key}.kind", spec.kind, ShockKind, "random shock")
            if spec.actors and spec.kind != "oil_price" and len(spec.actors) != 2:
                raise ConfigError(f"{key}.actors", "give two states or none (a random pair)")
            actors.append(_actor_indices(f"{key}.actors", "oil_price", spec.actors, states))
        shape = (horizon, len(specs))
        return cls(
            specs=tuple(specs),
            actors=tuple(actors),
            occurrence=streams.draw("shock_occurrence", shape, "uniform"),
            pair=streams.draw("shock_pair", shape, "uniform"),
        )

    def apply(self, world: World, step: int, n_states: int, model: ModelParameters) -> set[str]:
        """Apply the shocks drawn for month ``step`` (0-based) to the replicates they strike;
        return the kinds that struck somewhere."""
        pairs = [(i, j) for i in range(n_states) for j in range(n_states) if i != j]
        struck_kinds = set()
        for k, spec in enumerate(self.specs):
            struck = self.occurrence[step, k] < spec.rate
            if not struck.any():
                continue
            struck_kinds.add(spec.kind)
            if spec.kind == "oil_price" or self.actors[k]:
                event = Event(step, spec.kind, self.actors[k], spec.magnitude, None, spec.kind)
                apply_event(world, event, struck, model)
                continue
            choice = np.minimum((self.pair[step, k] * len(pairs)).astype(int), len(pairs) - 1)
            for index, pair in enumerate(pairs):
                mask = struck & (choice == index)
                if mask.any():
                    apply_event(
                        world,
                        Event(step, spec.kind, pair, spec.magnitude, None, spec.kind),
                        mask,
                        model,
                    )
        return struck_kinds
