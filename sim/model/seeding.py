"""Random streams per replicate, so that results do not depend on how runs are batched.

Replicate ``r`` draws only from ``SeedSequence(root, spawn_key=(identity, r, purpose))``.
Its trajectory is therefore the same whether it runs alone, inside a batch of ten
thousand, in another chunk or under another launcher. The identity of the exogenous
world (scenario) is kept apart from the strategy, which gives common random numbers:
replicate ``r`` meets the same shocks and the same decision noise under every strategy.

Setting up a NumPy generator costs about 12 microseconds, most of it in
``SeedSequence``; at ten thousand replicates and three purposes that was an eighth of a
run. :func:`draw_per_replicate` therefore computes the seed sequences of all replicates
at once (the published SeedSequence and PCG64 seeding algorithms, vectorised over
replicates; NumPy guarantees both stay fixed) and moves one PCG64 generator from stream
to stream. Tests check the streams against NumPy's own generators, number for number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

PURPOSES: dict[str, int] = {
    "decision_noise": 1,
    "shock_occurrence": 2,
    "shock_pair": 3,
    "parameter_draw": 4,
    "exploration": 5,
}

# Constants of numpy.random.SeedSequence (pool of four 32-bit words) and of PCG64.
_POOL = 4
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_MASK32, _MASK128 = 2**32 - 1, 2**128 - 1
_PCG_MULTIPLIER = (2549297995355413924 << 64) + 4865540595714422341


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
    numbers a shorter one used. The numbers are those of :func:`replicate_generator`.
    """
    replicates = np.asarray(replicates, dtype=np.int64).reshape(-1)
    out = np.empty((len(replicates), *shape))
    if out.size == 0:
        return out
    words = pcg64_seeds(root_seed, stable_hash(identity), replicates, PURPOSES[purpose])
    bit_generator = np.random.PCG64(0)
    generator = np.random.Generator(bit_generator)
    draw = generator.standard_normal if kind == "normal" else generator.random
    for row, (seed_high, seed_low, inc_high, inc_low) in enumerate(words.tolist()):
        bit_generator.state = _pcg64_state((seed_high << 64) | seed_low, (inc_high << 64) | inc_low)
        out[row] = draw(shape)
    return out


def _pcg64_state(seed: int, sequence: int) -> dict:
    """The state PCG64 reaches when seeded with (seed, sequence), as its ``state`` property."""
    increment = ((sequence << 1) | 1) & _MASK128
    state = increment  # one step from zero
    state = ((state + seed) * _PCG_MULTIPLIER + increment) & _MASK128
    return {
        "bit_generator": "PCG64",
        "state": {"state": state, "inc": increment},
        "has_uint32": 0,
        "uinteger": 0,
    }


def pcg64_seeds(root_seed: int, identity_key: int, replicates: np.ndarray, purpose: int) -> np.ndarray:
    """``SeedSequence(root, spawn_key=(identity, r, purpose)).generate_state(4, uint64)`` for every r.

    Returns (R, 4) Python-int-ready uint64 words, computed for all replicates at once.
    """
    out = np.empty((len(replicates), 4), dtype=np.uint64)
    run = _words(root_seed)
    run = run + [0] * (_POOL - len(run)) if len(run) < _POOL else run
    prefix = run + _words(identity_key)
    suffix = _words(purpose)
    small = replicates <= _MASK32  # one 32-bit word (all but astronomically large indices)
    for mask, width in ((small, 1), (~small, 2)):
        if mask.any():
            rows = replicates[mask].astype(np.uint64)
            columns = [np.full(len(rows), word, dtype=np.uint32) for word in prefix]
            columns.append((rows & np.uint64(_MASK32)).astype(np.uint32))
            if width == 2:
                columns.append((rows >> np.uint64(32)).astype(np.uint32))
            columns += [np.full(len(rows), word, dtype=np.uint32) for word in suffix]
            out[mask] = _generate_state(_mix_entropy(columns))
    return out


def _words(value: int) -> list[int]:
    """An integer as SeedSequence reads it: little-endian 32-bit words, [0] for zero."""
    if value < 0:
        raise ValueError("seeds and spawn keys are non-negative")
    words = []
    while value > 0:
        words.append(value & _MASK32)
        value >>= 32
    return words or [0]


class _Hasher:
    """SeedSequence's hashmix: the multiplier evolves with each call, the same for every row."""

    def __init__(self, start: int, multiplier: int) -> None:
        self.constant = start
        self.multiplier = multiplier

    def __call__(self, value: np.ndarray) -> np.ndarray:
        value = value ^ np.uint32(self.constant)
        self.constant = (self.constant * self.multiplier) & _MASK32
        value = value * np.uint32(self.constant)
        return value ^ (value >> np.uint32(16))


def _mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    result = np.uint32(_MIX_L) * x - np.uint32(_MIX_R) * y
    return result ^ (result >> np.uint32(16))


def _mix_entropy(entropy: list[np.ndarray]) -> list[np.ndarray]:
    """The pool of four words per row from its entropy words (columns of uint32)."""
    hashmix = _Hasher(_INIT_A, _MULT_A)
    zeros = np.zeros_like(entropy[0])
    pool = [hashmix(entropy[i] if i < len(entropy) else zeros) for i in range(_POOL)]
    for source in range(_POOL):
        for target in range(_POOL):
            if source != target:
                pool[target] = _mix(pool[target], hashmix(pool[source]))
    for source in range(_POOL, len(entropy)):
        for target in range(_POOL):
            pool[target] = _mix(pool[target], hashmix(entropy[source]))
    return pool


def _generate_state(pool: list[np.ndarray]) -> np.ndarray:
    """Four uint64 words per row, as ``generate_state(4, np.uint64)`` gives them."""
    hashmix = _Hasher(_INIT_B, _MULT_B)
    halves = [hashmix(pool[i % _POOL]) for i in range(8)]
    low, high = halves[0::2], halves[1::2]
    return np.stack(
        [
            lo.astype(np.uint64) | (hi.astype(np.uint64) << np.uint64(32))
            for lo, hi in zip(low, high, strict=True)
        ],
        axis=1,
    )


@dataclass(frozen=True)
class Streams:
    """The random streams of a set of worlds: world ``w`` draws from replicate
    ``replicates[w]``'s streams under identity ``identities[identity_of_world[w]]``.

    Worlds that share an identity and a replicate (the same replicate at several design
    points, under common random numbers) share their numbers, drawn once.
    """

    root_seed: int
    identities: list[str]
    identity_of_world: np.ndarray  # (W,)
    replicates: np.ndarray  # (W,)

    def draw(self, purpose: str, shape: tuple[int, ...], kind: str = "normal") -> np.ndarray:
        """(*shape, W) numbers, each world's from its own replicate's stream.

        The world axis comes last, so the numbers a month needs for all worlds (a row of
        ``shape``) lie together in memory.
        """
        if len(self.identities) == 1:
            return self._draw(self.identities[0], self.replicates, purpose, shape, kind)
        out = np.empty((*shape, len(self.replicates)))
        for k, identity in enumerate(self.identities):
            rows = np.flatnonzero(self.identity_of_world == k)
            out[..., rows] = self._draw(identity, self.replicates[rows], purpose, shape, kind)
        return out

    def _draw(
        self, identity: str, replicates: np.ndarray, purpose: str, shape: tuple[int, ...], kind: str
    ) -> np.ndarray:
        """Each distinct replicate drawn once, then handed to every world that has it."""
        unique, inverse = np.unique(replicates, return_inverse=True)
        drawn = draw_per_replicate(self.root_seed, identity, unique, purpose, shape, kind)
        by_replicate = np.ascontiguousarray(np.moveaxis(drawn, 0, -1))
        if len(unique) == len(replicates) and (unique == replicates).all():
            return by_replicate
        return np.take(by_replicate, inverse.reshape(-1), axis=-1)
