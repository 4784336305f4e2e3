"""Paper figures drawn from result tables only.

Each figure function takes tidy frames (run summary, time series, ties, or sensitivity
indices), computes what it shows through :mod:`sim.publish.statistics` and returns a
matplotlib ``Figure`` in the project style (:mod:`sim.publish.style`); none runs the model
or opens a window. Figures carry uncertainty (bands or intervals).
"""

from sim.publish.figures.designs import plot_morris, plot_phase_diagram, plot_sobol
from sim.publish.figures.distributions import plot_final_distribution
from sim.publish.figures.networks import plot_network, plot_tie_heatmaps
from sim.publish.figures.over_time import plot_cohesion_over_time, plot_response, plot_survival

__all__ = [
    "plot_cohesion_over_time",
    "plot_final_distribution",
    "plot_morris",
    "plot_network",
    "plot_phase_diagram",
    "plot_response",
    "plot_sobol",
    "plot_survival",
    "plot_tie_heatmaps",
]
