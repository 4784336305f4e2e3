"""Random streams per replicate, so that results do not depend on how runs are batched.

Replicate ``r`` draws only from ``SeedSequence(root, spawn_key=(identity, r, purpose))``.
Its trajectory is therefore the same whether it runs alone, inside a batch of ten
thousand, in another chunk or under another launcher. The identity of the exogenous
world (scenario) is kept apart from the strategy, which gives common random numbers:
replicate ``r`` meets the same shocks and the same decision noise under every strategy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

PURPOSES: dict[str, int] = {"decision_noise": 1, "shock_occurrence": 2, "shock_pair": 3}


def stable_hash(text: str) -> int:
    """A 63-bit integer from text that is the same on every machine and Python run."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


def replicate_generator(
    root_seed: int, identity: str | int, replicate: int, purpose: str
) -> np.random.Generator:
    """The generator of one replicate for one purpose (decision noise, shocks, ...)."""
    identity_key = identity if isinstance(identity, int) else stable_hash(identity)
    key = (identity_key, int(replicate), PURPOSES[purpose])
    return np.random.default_rng(np.random.SeedSequence(root_seed, spawn_key=key))


def draw_per_replicate(
    root_seed: int,
    identity: str,
    replicates: Sequence[int],
    purpose: str,
    shape: tuple[int, ...],
    kind: str = "normal",
) -> np.ndarray:
    """Pre-draw ``shape`` numbers for each replicate from its own stream.

    Draws are taken in C order, so a longer horizon extends, and never changes, the
    numbers a shorter one used.
    """
    identity_key = stable_hash(identity)
    out = np.empty((len(replicates), *shape))
    for row, replicate in enumerate(replicates):
        rng = replicate_generator(root_seed, identity_key, replicate, purpose)
        out[row] = rng.standard_normal(shape) if kind == "normal" else rng.random(shape)
    return out
