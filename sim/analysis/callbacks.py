"""Hydra callback: when a multirun ends, gather its jobs and draw the experiment's figures."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

log = logging.getLogger("sim")


class AnalyzeSweep(Callback):
    """Runs :func:`sim.analysis.reports.analyze` on the sweep directory after the last job returns.

    A sweep whose jobs cannot be combined (missing or corrupt jobs, mixed versions,
    replicates counted twice, the jobs of another sweep in its folder) is reported, not
    analysed, and the multirun exits with status 2; an analysis that fails otherwise exits
    with status 1 after its traceback. Either way the jobs' results stay as written and
    figures of an earlier analysis are moved to ``figures.stale/``. Hydra turns a
    callback's exceptions into warnings, so the exit is raised as :class:`SystemExit`,
    which it lets through.
    """

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        from sim.analysis.reports import analyze
        from sim.common.errors import ConfigError
        from sim.experiment.dataset import IncompleteSweepError

        sweep_dir = Path(config.hydra.sweep.dir)
        try:
            analyze(sweep_dir)
        except (IncompleteSweepError, ConfigError) as error:
            log.error("sweep not analysed: %s", error)
            log.error("the jobs' results are kept; after fixing, run experiments/analyze.py %s", sweep_dir)
            raise SystemExit(2) from None
        except Exception:
            log.exception("analysis of %s failed; results are intact, see experiments/analyze.py", sweep_dir)
            raise SystemExit(1) from None
