"""Agent-based simulation of the China-Russia-Iran-North Korea bloc under US wedge strategies.

Data flows one way: config (:mod:`sim.model.parameters`) -> model (:mod:`sim.model.bloc_model`) -> records
on disk (:mod:`sim.experiment.storage`) -> analysis (:mod:`sim.publish.statistics`) -> figures
(:mod:`sim.publish.plotting`).
"""

__version__ = "0.1.0"
