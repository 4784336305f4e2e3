"""Agent-based simulation of the China-Russia-Iran-North Korea bloc under US wedge strategies.

Data flows one way: config (:mod:`sim.parameters`) -> model (:mod:`sim.model`) -> records
on disk (:mod:`sim.storage`) -> analysis (:mod:`sim.statistics`) -> figures
(:mod:`sim.plotting`).
"""

__version__ = "0.1.0"
