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

    A sweep with failed or missing jobs, or with the jobs of another sweep in its folder,
    is reported (which chunks, which files, which settings), not analysed, and the
    multirun exits with status 2; a crash of the analysis itself exits with status 1.
    Either way the results are intact and figures of an earlier analysis are moved to
    ``figures.stale/`` (Hydra turns exceptions raised by callbacks into warnings, so the
    exit status is set here).
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
            log.error("re-run the same command to compute only the missing jobs")
            raise SystemExit(2) from None
        except Exception:
            log.exception("analysis of %s failed; results are intact, see experiments/analyze.py", sweep_dir)
            raise SystemExit(1) from None
