"""The top layer: from a run or sweep directory to the experiment's figures and tables.

Gathers jobs with :mod:`sim.experiment.dataset` and hands the dataset to the publication
and validation code that the experiment calls for.
"""
