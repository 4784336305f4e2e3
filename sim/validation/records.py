"""The hindcast's records as paths: one row per replicate world, one column per recorded month."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiment.dataset import Dataset


def one_configuration(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """The hindcast pools replicates of one configuration; refuse a mixture."""
    keys = [c for c in ("scenario", "strategy", *dataset.varying) if c in frame.columns]
    groups = frame[keys].drop_duplicates() if keys else pd.DataFrame()
    if len(groups) > 1:
        raise ValueError(
            "the hindcast report compares one configuration with history; these records hold "
            f"{len(groups)}: {groups.to_dict('records')}"
        )
    return frame


def ties_of(dataset: Dataset) -> pd.DataFrame:
    if dataset.ties is None:
        raise ValueError("the hindcast report needs tie records: run with record_ties=true ties_every=1")
    return one_configuration(dataset.ties, dataset)


def tie_paths(ties: pd.DataFrame, layer: str, source: str, target: str) -> pd.DataFrame:
    """One directed tie per replicate (rows) and step (columns)."""
    rows = ties[(ties["layer"] == layer) & (ties["source"] == source) & (ties["target"] == target)]
    if rows.empty:
        raise ValueError(f"no {layer} tie {source}->{target} in the records")
    return rows.pivot(index="replicate", columns="step", values="weight").sort_index(axis=1)


def metric_paths(timeseries: pd.DataFrame, column: str) -> pd.DataFrame:
    """One time-series column per replicate (rows) and step (columns)."""
    return timeseries.pivot(index="replicate", columns="step", values=column).sort_index(axis=1)


def step_dates(frame: pd.DataFrame) -> pd.Series:
    """'YYYY-MM' label of every recorded step."""
    return frame.drop_duplicates("step").set_index("step")["date"].sort_index()


def step_of(dates: pd.Series, date: str) -> int:
    """The step recorded at ``date``, or the last step if the run ends earlier."""
    hits = dates.index[dates == date]
    return int(hits[0]) if len(hits) else int(dates.index.max())


def spread(values: np.ndarray | pd.Series) -> tuple[float, float, float]:
    """Mean and the central 95% range of replicate worlds."""
    x = np.asarray(values, dtype=float)
    lower, upper = np.quantile(x, [0.025, 0.975])
    return float(x.mean()), float(lower), float(upper)
