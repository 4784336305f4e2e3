"""How much memory one world takes while a model runs: the figure batches are sized by.

Every array the model holds has a leading world axis, so its memory is linear in the
number of worlds; this counts the float64 values each world contributes (state and its
snapshot, derived relations, pre-drawn random numbers, records, the largest
temporaries of a month). ``benchmarks/design_throughput.py`` prints the estimate next
to the measured peak.
"""

from __future__ import annotations

from sim.common.vocabulary import BLOC_METRICS, LAYERS, STATE_METRICS
from sim.model.parameters import RunConfig

FLOAT_BYTES = 8


def world_bytes(config: RunConfig) -> int:
    """Bytes one world needs while its model runs, records included."""
    n, layers, horizon = len(config.scenario.states), len(LAYERS), config.horizon
    ties, matrix = layers * n * n, n * n
    state = 2 * ties + 2 * matrix + 14 * n + 2  # dynamic state, reference levels, constants
    snapshot = ties + matrix + 5 * n + 1  # last month's state, read while agents decide
    relations = 2 * (ties + 2 * matrix)  # of last month and of the month being measured
    month = 14 * n + 2 * layers * n + 4  # incentives and policy
    temporaries = ties + 4 * layers * n + 4 * matrix
    drawn = horizon * n + 2 * horizon * len(config.scenario.random_shocks)
    us = 3 * len(config.strategy.levers) + 2 * n + 4
    per_month = len(BLOC_METRICS) + len(STATE_METRICS) * n + matrix
    records = per_month * ((horizon + 1) if config.record_timeseries else 2)
    if config.record_ties:
        records += ties * (horizon // max(1, config.ties_every) + 2)
    total = state + snapshot + relations + month + temporaries + drawn + us + records
    return FLOAT_BYTES * total
