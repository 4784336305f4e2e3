"""Statistics that turn replicate worlds into claims a paper can defend.

Every number a figure or table reports comes from here, so each carries its uncertainty:
bootstrap intervals for means and medians (:mod:`.intervals`), paired comparisons against
a reference strategy (:mod:`.paired`), binomial intervals for the probability the bloc
stays intact (:mod:`.intact`), Kaplan-Meier curves for the time to first defection, which
is right-censored at the horizon (:mod:`.survival`), and rankings (:mod:`.ranking`).

All functions take tidy pandas frames (the run summary or time-series tables) and return
tidy frames; none of them runs the model. Randomness (bootstrap) is driven by an explicit
``seed`` so published intervals are reproducible.
"""

from sim.publish.statistics.columns import (
    GROUP,
    ID_COLUMNS,
    METRICS,
    PER_MEMBER_PREFIXES,
    REFERENCE,
    TIME_COLUMNS,
    design_columns,
)
from sim.publish.statistics.intact import intact_probability, proportion_interval
from sim.publish.statistics.intervals import bootstrap_interval, bootstrap_summary, timeseries_band
from sim.publish.statistics.paired import (
    cohens_dz,
    holm,
    paired_differences,
    paired_frame,
    rank_biserial,
    wilcoxon_pvalue,
)
from sim.publish.statistics.ranking import parameter_response, strategy_ranking
from sim.publish.statistics.survival import kaplan_meier, median_survival

__all__ = [
    "GROUP",
    "ID_COLUMNS",
    "METRICS",
    "PER_MEMBER_PREFIXES",
    "REFERENCE",
    "TIME_COLUMNS",
    "bootstrap_interval",
    "bootstrap_summary",
    "cohens_dz",
    "design_columns",
    "holm",
    "intact_probability",
    "kaplan_meier",
    "median_survival",
    "paired_differences",
    "paired_frame",
    "parameter_response",
    "proportion_interval",
    "rank_biserial",
    "strategy_ranking",
    "timeseries_band",
    "wilcoxon_pvalue",
]
