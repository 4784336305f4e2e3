"""Worlds: what one model advances at once, each a (parameter point, replicate) pair.

A world may carry its own value of any numeric parameter (a behavioural constant, a
scenario figure, a lever setting), so one :class:`~sim.model.bloc_model.BlocModel`
advances a whole chunk of a design, or a parameter ensemble, as one batch. Parameters
that differ between worlds become arrays of shape (W,); parameters common to all worlds
stay scalars, so the usual run (one point, R replicates) computes exactly as before.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.common.errors import ConfigError


@dataclass(frozen=True)
class Worlds:
    """A table of worlds: point id, replicate id and the values of the varied parameter paths.

    Replicate ``r`` draws its random numbers from its own streams whatever its point, so
    replicate ``r`` of point ``p`` is the same run alone, in any batch and in any chunk.
    """

    point: np.ndarray  # (W,) int
    replicate: np.ndarray  # (W,) int
    values: Mapping[str, np.ndarray] = field(default_factory=dict)  # dotted path -> (W,) floats

    def __post_init__(self) -> None:
        object.__setattr__(self, "point", np.asarray(self.point, dtype=np.int64).reshape(-1))
        object.__setattr__(self, "replicate", np.asarray(self.replicate, dtype=np.int64).reshape(-1))
        values = {path: np.asarray(column, dtype=float).reshape(-1) for path, column in self.values.items()}
        object.__setattr__(self, "values", values)
        size = len(self.point)
        if size == 0:
            raise ConfigError("worlds", "a model needs at least one world")
        if len(self.replicate) != size or any(len(column) != size for column in values.values()):
            raise ConfigError("worlds", "point, replicate and every value column need one entry per world")
        if (self.replicate < 0).any():
            raise ConfigError("worlds", "replicate indices are non-negative")
        for path, column in values.items():
            if not np.isfinite(column).all():
                raise ConfigError(f"worlds: {path}", "values must be finite numbers")

    @classmethod
    def replicates(cls, first: int, count: int) -> Worlds:
        """The usual run: one parameter point (id 0), replicates ``first .. first + count - 1``."""
        return cls(point=np.zeros(count, dtype=np.int64), replicate=np.arange(first, first + count))

    @classmethod
    def product(
        cls,
        points: Mapping[str, Sequence[float]],
        replicates: Sequence[int],
        point_ids: Sequence[int] | None = None,
    ) -> Worlds:
        """Every point crossed with every replicate, point by point (a design chunk as one batch).

        ``points`` maps each dotted path to its value at each point (all of one length).
        """
        lengths = {len(column) for column in points.values()}
        if len(lengths) > 1:
            raise ConfigError("worlds", "every parameter needs one value per point")
        n_points = lengths.pop() if lengths else (len(point_ids) if point_ids is not None else 1)
        ids = np.arange(n_points) if point_ids is None else np.asarray(point_ids, dtype=np.int64)
        replicates = np.asarray(replicates, dtype=np.int64)
        per_point = len(replicates)
        return cls(
            point=np.repeat(ids, per_point),
            replicate=np.tile(replicates, n_points),
            values={
                path: np.repeat(np.asarray(column, dtype=float), per_point) for path, column in points.items()
            },
        )

    def __len__(self) -> int:
        return len(self.point)

    def take(self, index: slice | np.ndarray) -> Worlds:
        """The worlds selected by ``index`` (a slice or integer positions), in that order."""
        return Worlds(
            point=self.point[index],
            replicate=self.replicate[index],
            values={path: column[index] for path, column in self.values.items()},
        )

    def batches(self, size: int) -> Iterator[Worlds]:
        """Consecutive batches of at most ``size`` worlds (a memory budget), made of whole
        points where a point fits; a point larger than ``size`` is split on its own."""
        size = max(1, int(size))
        start = end = 0
        for block in self.blocks():
            if block.stop - start > size and end > start:
                yield self.take(slice(start, end))
                start = end
            while block.stop - start > size:
                yield self.take(slice(start, start + size))
                start += size
            end = block.stop
        if end > start:
            yield self.take(slice(start, end))

    def with_values(self, values: Mapping[str, np.ndarray]) -> Worlds:
        """These worlds with more parameter columns (refusing a path they already vary)."""
        clash = sorted(set(values) & set(self.values))
        if clash:
            raise ConfigError("scenario.uncertainty", f"{clash} are also design parameters; vary each once")
        return Worlds(self.point, self.replicate, {**self.values, **values})

    def blocks(self) -> list[slice]:
        """Runs of consecutive worlds of one point (tables list a point's rows together)."""
        edges = np.flatnonzero(np.diff(self.point)) + 1
        bounds = [0, *edges.tolist(), len(self)]
        return [slice(a, b) for a, b in itertools.pairwise(bounds)]


def lift(value: float | np.ndarray, ndim: int) -> float | np.ndarray:
    """A per-world parameter shaped to broadcast against an array of ``ndim`` dimensions
    whose first axis is the world axis: (W,) becomes (W, 1, ..., 1); scalars stay scalars."""
    if np.ndim(value) == 0:
        return value
    return np.reshape(value, np.shape(value) + (1,) * (ndim - np.ndim(value)))


def pick(value: float | np.ndarray, rows: slice | np.ndarray) -> float | np.ndarray:
    """A per-world parameter restricted to the worlds ``rows`` selects; scalars stay scalars."""
    return value if np.ndim(value) == 0 else np.asarray(value)[rows]
