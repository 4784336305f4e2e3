"""One folder per sweep: its default name, and the check that a folder holds a single sweep.

A sweep's default folder is ``results/sweeps/<experiment.name>/<name>`` where ``<name>``
comes from the command's own overrides (``default`` when there are none). The same
command therefore lands in the same folder, so an interrupted sweep resumes by running it
again, while a sweep with other settings (another design, other strategies) gets a folder
of its own instead of mixing its jobs with an earlier sweep's. Overrides that do not change
what is computed are left out of the name: the chunk range (a design may be run in several
commands), the workers and trial count of a portfolio search (which continue one study),
the launcher and Hydra's own settings.

The name is computed once, by the process that launches the sweep (an OmegaConf resolver
with a cache, like Hydra's ``${now:...}``), and reaches every job through that cache.

:func:`mixed_sweep_problems` is the safety net when two sweeps share a folder anyway (an
explicit ``hydra.sweep.dir``, or analysing a parent folder): their jobs differ in the
experiment or the design, and gathering them into one dataset would pool unlike results.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from omegaconf import OmegaConf

from sim.experiment.consistency import flatten

RESOLVER = "sweep_name"
DEFAULT_NAME = "default"
MAX_NAME = 60
SAFE = re.compile(r"[^A-Za-z0-9._=,+-]")
# Overrides that do not change the numbers a sweep computes, so they do not name it. The
# workers of a portfolio search split one study as chunks split a design, and a higher
# portfolio.trials continues the study in its folder (docs/robustness.md).
NEUTRAL = (
    "design.chunk=",
    "portfolio.worker=",
    "portfolio.trials=",
    "hydra/",
    "hydra.",
    "+hydra",
    "~hydra",
    "experiment=",
)


def sweep_name(overrides: Iterable[str]) -> str:
    """The folder name of a sweep given on the command line with ``overrides``.

    Readable when short (``model.patron_compensation=0.5,1.5,4.0``); otherwise the
    readable start followed by a hash of the full overrides, so two commands never share
    a folder by accident.
    """
    kept = sorted(o for o in overrides if not o.lstrip().startswith(NEUTRAL))
    if not kept:
        return DEFAULT_NAME
    text = ",".join(kept)
    safe = SAFE.sub("_", text)
    if safe == text and len(text) <= MAX_NAME:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{safe[: MAX_NAME - 9].rstrip('_,.')}-{digest}"


def _resolve_sweep_name(overrides: Any) -> str:
    return sweep_name(str(o) for o in overrides)


def register_resolvers() -> None:
    """Make ``${sweep_name:${hydra.overrides.task}}`` available to ``hydra.sweep.dir``.

    Cached by the text of its argument, so a job's config (whose ``hydra.overrides.task``
    holds only that job's overrides) gets the name the launching process computed.
    """
    if not OmegaConf.has_resolver(RESOLVER):
        OmegaConf.register_new_resolver(RESOLVER, _resolve_sweep_name, use_cache=True)


def sweep_identity(config: dict[str, Any]) -> dict[str, Any]:
    """What must be equal for jobs to belong to one sweep: the experiment and the design
    (without the chunk index, which tells the jobs of one design apart)."""
    design = {key: value for key, value in config.get("design", {}).items() if key != "chunk"}
    return flatten({"experiment": config.get("experiment", {}), "design": design})


def mixed_sweep_problems(manifests: Sequence[dict[str, Any]]) -> list[str]:
    """One line naming the settings in which the jobs of a folder disagree, if they do."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for manifest in manifests:
        identity = sweep_identity(manifest.get("config", {}))
        groups[json.dumps(identity, sort_keys=True, default=str)].append(manifest)
    if len(groups) < 2:
        return []
    identities = [json.loads(key) for key in groups]
    keys = sorted({key for identity in identities for key in identity})
    differing = [key for key in keys if len({json.dumps(i.get(key)) for i in identities}) > 1]
    described = "; ".join(
        f"{len(jobs)} job(s) with " + ", ".join(f"{key}={json.loads(identity).get(key)}" for key in differing)
        for identity, jobs in groups.items()
    )
    return [
        f"{len(groups)} different sweeps share this folder ({described}); pooling them would mix "
        "unlike results: run each sweep into its own folder (the default, or hydra.sweep.dir=...) "
        "and analyse each folder on its own"
    ]
