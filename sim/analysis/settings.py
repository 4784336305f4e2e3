"""Presentation settings changed at analysis time, without re-running anything.

``python experiments/analyze.py results/runs/compare_strategies/<time> experiment.band=percentile``
redraws the figures with another band. Only keys that change how results are presented
are accepted (:data:`PRESENTATION_KEYS`); a key that would change the results themselves
(a model constant, the replicates) is refused with a message naming the keys allowed,
since the figures would then claim a configuration the results were not computed under.
"""

from __future__ import annotations

from collections.abc import Sequence

from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.common.errors import ConfigError
from sim.experiment.configuration import Config

PRESENTATION_KEYS = ("experiment.band", "experiment.widths", "experiment.reference", "experiment.outcome")


def with_overrides(config: Config, overrides: Sequence[str]) -> Config:
    """``config`` with ``key=value`` presentation overrides applied (checked against the schema)."""
    node = OmegaConf.structured(config)
    for override in overrides:
        key, sep, _ = override.partition("=")
        key = key.strip()
        if not sep:
            raise ConfigError(override, "is not key=value", list(PRESENTATION_KEYS))
        if key not in PRESENTATION_KEYS:
            raise ConfigError(key, "changes the results, not how they are presented", list(PRESENTATION_KEYS))
        try:
            node = OmegaConf.merge(node, OmegaConf.from_dotlist([override]))
        except OmegaConfBaseException as error:
            raise ConfigError(key, str(error).splitlines()[0]) from None
    return OmegaConf.to_object(node) if overrides else config
