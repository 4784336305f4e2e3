"""Parameter ensembles: each world draws its constants (``scenario.uncertainty``).

Replicate ``r`` takes draw ``r`` (or ``r mod draws``). A draw's values come from its own
random stream, keyed by the draw id and the ensemble's seed, or from a row of a file of
draws (a calibration posterior, for instance). Either way they depend on nothing else:
every strategy, chunk, batch and launcher gives replicate ``r`` the same constants, so
comparisons between strategies stay paired on the same draws and the same random numbers.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from sim.common.errors import ConfigError
from sim.model.parameters import Distribution, RunConfig, UncertainParameterConfig, UncertaintyConfig, kind_of
from sim.model.paths import check_settable
from sim.model.seeding import draw_per_replicate

DRAW = "draw"
KEY = "scenario.uncertainty"


@dataclass(frozen=True)
class DrawTable:
    """Rows of parameter draws: a draw id per row and one column per dotted path."""

    draw: np.ndarray  # (D,) int
    values: dict[str, np.ndarray]  # path -> (D,)

    @classmethod
    def from_columns(cls, source: str, columns: dict[str, list]) -> DrawTable:
        """Check and convert the columns of a draw file (``source`` names it in messages)."""
        if DRAW not in columns:
            raise ConfigError(f"{KEY}.file", f"{source} has no '{DRAW}' column", f"columns '{DRAW}', <paths>")
        paths = [name for name in columns if name != DRAW]
        if not paths:
            raise ConfigError(f"{KEY}.file", f"{source} has no parameter columns besides '{DRAW}'")
        try:
            draw = np.asarray(columns[DRAW], dtype=float)
            values = {path: np.asarray(columns[path], dtype=float) for path in paths}
        except ValueError as error:
            raise ConfigError(
                f"{KEY}.file", f"{source} holds a value that is not a number ({error})"
            ) from None
        for path, column in values.items():
            if not np.isfinite(column).all():
                raise ConfigError(f"{KEY}.file", f"{source}: column '{path}' has a missing or infinite value")
        if len(draw) == 0:
            raise ConfigError(f"{KEY}.file", f"{source} has no rows")
        if not (np.isfinite(draw).all() and (draw == np.round(draw)).all() and (draw >= 0).all()):
            raise ConfigError(f"{KEY}.file", f"{source}: '{DRAW}' must hold non-negative integers")
        if len(np.unique(draw)) != len(draw):
            raise ConfigError(f"{KEY}.file", f"{source}: '{DRAW}' ids must be unique")
        return cls(draw.astype(np.int64), values)

    def __len__(self) -> int:
        return len(self.draw)


def draws_path(name: str | Path) -> Path:
    """A file of draws as given, or else shipped in the package under ``sim/data/`` (the
    calibrated posterior: ``posterior/posterior_2024.csv``)."""
    path = Path(name)
    if path.is_file() or path.is_absolute():
        return path
    shipped = Path(str(resources.files("sim").joinpath("data", str(path))))
    return shipped if shipped.is_file() else path


def read_csv_draws(path: str | Path) -> DrawTable:
    """A CSV file of draws (Parquet files are read by the experiment layer)."""
    path = draws_path(path)
    if not path.is_file():
        raise ConfigError(f"{KEY}.file", f"no file '{path}'", "a CSV or Parquet file of draws")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = list(rows[0]) if rows else []
    return DrawTable.from_columns(path.name, {name: [row[name] for row in rows] for name in names})


def load_draws(spec: UncertaintyConfig) -> DrawTable:
    """The file of draws named by the ensemble, read here when it is CSV."""
    if Path(spec.file).suffix.lower() != ".csv":
        raise ConfigError(
            f"{KEY}.file",
            f"'{spec.file}' is not a CSV file; Parquet files are read by the experiment runner",
            "a .csv file, or BlocModel(..., draws=sim.experiment.ensembles.read_draws(spec))",
        )
    return read_csv_draws(spec.file)


def ensemble_values(
    config: RunConfig, replicates: np.ndarray, table: DrawTable | None = None
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The draw id and the parameter values of every world, from its replicate index."""
    spec = config.scenario.uncertainty
    if spec.parameters and spec.file is not None:
        raise ConfigError(
            KEY,
            "give distributions (parameters) or a file of draws, not both",
            "add scenario.uncertainty.file=null to draw from the distributions",
        )
    if spec.file is not None:
        table = table or load_draws(spec)
        rows = len(table) if spec.draws == 0 else spec.draws
        if rows > len(table):
            raise ConfigError(
                f"{KEY}.draws", f"{rows} draws asked, the file has {len(table)}", f"<= {len(table)}"
            )
        for path in table.values:
            check_settable(config, path, key=f"{KEY}.file column")
        index = replicates % rows
        return table.draw[index], {path: column[index] for path, column in table.values.items()}
    draw = replicates % spec.draws if spec.draws else replicates.copy()
    unique, inverse = np.unique(draw, return_inverse=True)
    sampled = sample(config, unique)
    return draw, {path: column[inverse.reshape(-1)] for path, column in sampled.items()}


def sample(config: RunConfig, draws: np.ndarray) -> dict[str, np.ndarray]:
    """Values of every uncertain parameter for each draw id, from the draw's own stream."""
    spec = config.scenario.uncertainty
    names = [p.name for p in spec.parameters]
    if len(set(names)) != len(names):
        raise ConfigError(f"{KEY}.parameters", f"duplicate parameter in {names}")
    bounds = [_bounds(config, k, p) for k, p in enumerate(spec.parameters)]
    shape = (len(spec.parameters),)
    uniforms = draw_per_replicate(spec.seed, KEY, draws, "parameter_draw", shape, "uniform")
    values = {}
    for k, (parameter, (low, high)) in enumerate(zip(spec.parameters, bounds, strict=True)):
        u = uniforms[:, k]
        if parameter.distribution == "loguniform":
            values[parameter.name] = np.exp(math.log(low) + (math.log(high) - math.log(low)) * u)
        else:
            values[parameter.name] = low + (high - low) * u
    return values


def _bounds(config: RunConfig, k: int, parameter: UncertainParameterConfig) -> tuple[float, float]:
    """The range to draw from: the given sub-range, else the documented range of the parameter."""
    key = f"{KEY}.parameters[{k}]"
    kind_of(f"{key}.distribution", parameter.distribution, Distribution, "distribution")
    documented = check_settable(config, parameter.name, key=f"{key}.name")
    low = parameter.low if parameter.low is not None else (documented or (None, None))[0]
    high = parameter.high if parameter.high is not None else (documented or (None, None))[1]
    if low is None or high is None:
        raise ConfigError(key, f"'{parameter.name}' has no documented range", "give low and high")
    if not low < high:
        raise ConfigError(key, f"'{parameter.name}' needs low < high, got [{low}, {high}]")
    if documented is not None and not documented[0] <= low < high <= documented[1]:
        raise ConfigError(key, f"[{low}, {high}] leaves the documented range", f"within {list(documented)}")
    if parameter.distribution == "loguniform" and low <= 0:
        raise ConfigError(key, f"a log-uniform '{parameter.name}' needs low > 0, got {low}")
    return float(low), float(high)
