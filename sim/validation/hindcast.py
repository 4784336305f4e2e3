"""Hindcast 2021-2024: the modelled bloc against what was observed (docs/validation.md).

The hindcast starts from the bloc in January 2021 (``sim/data/hindcast_2021/``), applies
the dated events of 2021-2024 (``configs/scenario/hindcast_2021.yaml``) and runs to
January 2025. :func:`hindcast_report` turns its records into

- ``hindcast.pdf/.png``: tie strengths, trust in Russia and cohesion over 2021-2024, the mean over
  replicate worlds with the band in which 95% of them lie, the events marked, and the
  values observed in 2024 as open diamonds;
- ``hindcast_validation.md/.tex`` (and ``.parquet``): modelled against observed quantities,
  each with its source, the criterion it is judged by and whether the model reproduces it
  (:mod:`sim.validation.checks`).

Timing: the record of step k is the state at the start of month k, that is at the end of
month k-1; an event dated in month M acts at the start of M and shows first in the record
of M+1. "End of 2024" is therefore the record dated 2025-01.

Observed values, sources and criteria are data (``sim/validation/data``), fixed before
looking at any particular run; a pattern the model misses is reported as missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.experiment.dataset import Dataset
from sim.experiment.storage import write_parquet
from sim.publish import style, tables
from sim.validation.checks import checks_frame, validation_checks, validation_table
from sim.validation.figure import hindcast_figure


def hindcast_report(dataset: Dataset, out: Path, events: Sequence[tuple[str, str]] = ()) -> list[Path]:
    """Write the hindcast figure and the modelled-versus-observed table; return their paths."""
    out = Path(out)
    written = list(style.save_figure(hindcast_figure(dataset, events), out / "hindcast"))
    return written + hindcast_tables(dataset, out)


def hindcast_tables(dataset: Dataset, out: Path) -> list[Path]:
    """The modelled-versus-observed table (Markdown, LaTeX, Parquet); return the text files."""
    out = Path(out)
    checks = validation_checks(dataset)
    write_parquet(checks_frame(checks), out / "hindcast_validation.parquet")
    return list(
        tables.write_table(
            validation_table(checks),
            out / "hindcast_validation",
            caption="Hindcast 2021-2024: modelled against observed. Modelled: mean over replicate "
            "worlds and the range of the central 95% of them.",
            label="tab:hindcast",
        )
    )
