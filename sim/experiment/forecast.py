"""A posterior-predictive forecast: the run's scenario under its strategy for each posterior draw.

``experiment=forecast_2025`` runs the bloc from January 2025 through the dated inputs of
2025 (``configs/scenario/forecast_2025.yaml``, strategy ``historical_2025``) for draws of
the posterior calibrated on data to the end of 2024, and scores it against what happened
in 2025 (patterns with ``use: forecast``) and against persistence of the end of 2024.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np
import pandas as pd
from mesa import Agent

from sim.common.vocabulary import LAYERS
from sim.experiment.configuration import Config
from sim.experiment.patterns import ALL_STATES, Pattern, PatternProbe, load_patterns
from sim.experiment.posterior import read_posterior
from sim.model.bloc_model import BlocModel
from sim.model.ensembles import DRAW
from sim.model.parameters import RunConfig
from sim.model.worlds import Worlds

log = logging.getLogger("sim")
MONTHLY = (
    "aligned",
    "intact",
    "cohesion",
)  # bloc columns kept from the time series, with per-state alignment and layer densities


def forecast(config: Config) -> dict[str, pd.DataFrame]:
    """Simulate every draw; return the monthly paths, the patterns per world and the scores.

    One model advances every (posterior draw, replicate) world at once; replicate r meets
    the same decision noise under every draw.
    """
    spec = config.forecast
    draws = read_posterior(spec.posterior).head(spec.draws)
    patterns = [p for p in load_patterns(spec.patterns, use=spec.use) if p.scenario == config.scenario.name]
    base = RunConfig(**{f.name: getattr(config, f.name) for f in dataclasses.fields(RunConfig)})
    base = dataclasses.replace(base, record_timeseries=True, record_ties=False)
    points = {name: draws[name].to_numpy(dtype=float) for name in draws.columns if name != DRAW}
    worlds = Worlds.product(
        points, range(config.first_replicate, config.first_replicate + config.replicates), draws[DRAW]
    )
    model = BlocModel(base, worlds=worlds)
    values = PatternProbe(model, patterns).run()
    series = pd.DataFrame(model.recorder.timeseries())
    series.insert(0, DRAW, worlds.point[model.recorder.world_index("timeseries")])
    keep = [DRAW, "replicate", "step", "date", *MONTHLY]
    keep += [c for c in series.columns if c.startswith(("alignment_", "density_"))]
    predicted = _long(values, patterns, worlds.point, worlds.replicate)
    persistence = _persistence(model, patterns)
    Agent._ids.pop(model, None)
    log.info(
        "forecast of %d patterns over %d draws x %d worlds", len(patterns), len(draws), config.replicates
    )
    return {
        "forecast_timeseries": series[keep],
        "forecast_patterns": predicted,
        "scores": score(patterns, predicted, persistence),
    }


def _long(
    values: np.ndarray, patterns: list[Pattern], draw: np.ndarray, replicate: np.ndarray
) -> pd.DataFrame:
    """Pattern values (worlds, patterns) as rows (draw, replicate, pattern, value)."""
    ids = np.array([p.id for p in patterns])
    return pd.DataFrame(
        {
            DRAW: np.repeat(draw, len(patterns)),
            "replicate": np.repeat(replicate, len(patterns)),
            "pattern": np.tile(ids, len(draw)),
            "value": values.ravel(),
        }
    )


def _persistence(model: BlocModel, patterns: list[Pattern]) -> dict[str, float]:
    """The null model: every tie and every member's alignment stay as at the start (end of 2024)."""
    start = model.calibration
    aligned = start.alignment >= model.config.model.aligned_threshold
    null = {}
    for pattern in patterns:
        if pattern.statistic in ("tie_level", "tie_max"):
            i, j = model.states.index(pattern.source_state), model.states.index(pattern.target_state)
            null[pattern.id] = float(start.ties[LAYERS.index(pattern.layer), i, j])
        elif pattern.statistic == "aligned_share":
            who = aligned if pattern.state == ALL_STATES else aligned[[model.states.index(pattern.state)]]
            null[pattern.id] = float(who.all())
        else:
            null[pattern.id] = 0.0  # no change
    return null


def score(patterns: list[Pattern], predicted: pd.DataFrame, persistence: dict[str, float]) -> pd.DataFrame:
    """Per pattern: observed, forecast median and 90% interval over worlds, persistence, verdicts.

    A forecast hits when its median is within the pattern's tolerance of the observed
    value; so does the null. ``error`` is |median - observed| / tolerance, for both.
    """
    rows = []
    for pattern in patterns:
        values = predicted.loc[predicted["pattern"] == pattern.id, "value"].to_numpy()
        if pattern.statistic == "aligned_share":
            median = low = high = float(values.mean())  # a share over worlds, not a per-world value
        else:
            low, median, high = (float(x) for x in np.quantile(values, [0.05, 0.5, 0.95]))
        null = persistence[pattern.id]
        error = abs(median - pattern.observed) / pattern.tolerance
        null_error = abs(null - pattern.observed) / pattern.tolerance
        rows.append(
            {
                "pattern": pattern.id,
                "statistic": pattern.statistic,
                "what": describe(pattern),
                "observed": pattern.observed,
                "tolerance": pattern.tolerance,
                "forecast_median": median,
                "forecast_q05": low,
                "forecast_q95": high,
                "persistence": null,
                "error": error,
                "persistence_error": null_error,
                "hit": error <= 1.0,
                "persistence_hit": null_error <= 1.0,
                "basis": pattern.basis,
                "observation": pattern.observation,
                "source": pattern.source,
            }
        )
    return pd.DataFrame(rows)


def describe(pattern: Pattern) -> str:
    """A short reading of a pattern, e.g. 'energy CHN→RUS, ratio 2025-01 to 2025-04'."""
    if pattern.statistic == "aligned_share":
        who = "every member" if pattern.state == ALL_STATES else pattern.state
        return f"{who} aligned, {pattern.start} to {pattern.end}"
    tie = f"{pattern.layer} {pattern.source_state}→{pattern.target_state}"
    kind = pattern.statistic.removeprefix("tie_")
    when = pattern.end if pd.isna(pattern.start) else f"{pattern.start} to {pattern.end}"
    if pattern.statistic == "tie_level":
        return f"{tie}, level at {pattern.end}"
    return f"{tie}, {kind} {when}"
