"""Closed vocabularies of the configuration: lever, event and shock kinds, modes, distributions.

Hydra refuses any other value when it composes a configuration; :func:`kind_of` refuses
one in a configuration built directly in Python, naming the key and the choices.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

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


class ShockKind(Kind):
    """What a random shock does when it strikes a replicate world."""

    abandonment = "abandonment"
    oil_price = "oil_price"


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
