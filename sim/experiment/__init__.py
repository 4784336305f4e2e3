"""The experiment layer: typed configuration, designs, jobs, storage with provenance, datasets.

May import :mod:`sim.model`; never :mod:`sim.publish`, :mod:`sim.validation` or
:mod:`sim.analysis`. Modules that only read and write result tables (``storage``,
``dataset``) import nothing of the model, so the publication code can use them.
"""
