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
# ties themselves (none: events are inputs, ties outputs; a treaty changes the commitment
# in force, which the ties follow month by month), and the oil stakes that weigh energy ties.
CHANGES_TIES: tuple[str, ...] = ()
CHANGES_OIL: tuple[str, ...] = ("oil_price",)
ACTOR_COUNTS: dict[str, int | None] = {
    "war": 1,
    "ceasefire": 1,
    "sanctions": 1,
    "treaty": 2,
    "abandonment": 2,
    "oil_price": None,
}


@dataclass(frozen=True)
class Event:
    """A validated dated shock: ``step`` months after the scenario start.

    An event is something the model does not decide (a war, sanctions, a treaty signed, a
    patron failing a client): it writes inputs (war need, sanctions baselines, treaties in
    force, abandonment records, oil stakes), never a tie, trust or alignment.
    """

    step: int
    kind: str
    actors: tuple[int, ...]
    magnitude: float | np.ndarray  # (W,) where worlds differ
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
        compiled.append(Event(step, spec.kind, actors, float(spec.magnitude), spec.note or spec.kind))
    return tuple(sorted(compiled, key=lambda event: event.step))


def _actor_indices(key: str, kind: str, actors: Sequence[str], states: tuple[str, ...]) -> tuple[int, ...]:
    for code in actors:
        if code not in states:
            raise ConfigError(key, f"unknown state '{code}'", list(states))
    expected = ACTOR_COUNTS[kind]
    if expected is not None and len(actors) != expected:
        raise ConfigError(key, f"'{kind}' needs {expected} actor(s), got {list(actors)}")
    return tuple(states.index(code) for code in actors)


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
        world.treaties[mask, a[0], a[1]] = m
        world.treaties[mask, a[1], a[0]] = m
    elif event.kind == "abandonment":
        patron, client = a
        record = world.abandonment[mask, client, patron]
        world.abandonment[mask, client, patron] = np.clip(record + m, 0.0, 1.0)
    elif event.kind == "oil_price":
        rows = np.arange(world.replicates)[mask]
        who = list(a) if a else list(range(world.oil.shape[1]))
        index = np.ix_(rows, who)
        world.oil[index] = np.clip(world.oil[index] * lift(m, 2), 0.0, 1.0)


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
                event = Event(step, spec.kind, self.actors[k], spec.magnitude, spec.kind)
                apply_event(world, event, struck, model)
                continue
            choice = np.minimum((self.pair[step, k] * len(pairs)).astype(int), len(pairs) - 1)
            for index, pair in enumerate(pairs):
                mask = struck & (choice == index)
                if mask.any():
                    apply_event(
                        world,
                        Event(step, spec.kind, pair, spec.magnitude, spec.kind),
                        mask,
                        model,
                    )
        return struck_kinds
