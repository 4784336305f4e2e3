"""Run one job: a scenario under one or more strategies over a chunk of a design.

    python experiments/run.py                               # status_quo on baseline_2025
    python experiments/run.py strategy=pyongyang_deal replicates=1000
    python experiments/run.py experiment=compare_strategies # the default main job
    python experiments/run.py -m experiment=sensitivity design.chunk_size=64 'design.chunk=range(0,8)'

Results go to the job's Hydra output directory under results/. A job whose
configuration already has a complete result anywhere under the sweep directory is skipped.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.analysis.reports import analyze
from sim.common.errors import ConfigError
from sim.experiment.configuration import register_schemas, to_config
from sim.experiment.jobs import execute_job
from sim.experiment.sweep_folders import register_resolvers

log = logging.getLogger("sim")
register_schemas()
register_resolvers()


@hydra.main(version_base="1.3", config_path="../configs", config_name="config")
def main(cfg: DictConfig) -> None:
    started = time.monotonic()
    runtime = HydraConfig.get()
    try:
        config = to_config(cfg)
        output = Path(runtime.runtime.output_dir)
        is_multirun = runtime.mode.name == "MULTIRUN"
        search_root = Path(runtime.sweep.dir) if is_multirun else output
        outcome = execute_job(config, output, search_root)
    except ConfigError as error:
        log.error("bad configuration: %s", error)
        raise SystemExit(2) from None
    if not is_multirun and config.experiment.figures and outcome.status == "done":
        if outcome.is_whole_design:
            analyze(output, progress=False)
        else:
            log.info(
                "chunk %d of %d written; analyse the whole sweep with experiments/analyze.py",
                config.design.chunk,
                outcome.n_chunks,
            )
    log.info(
        "%s %s: %s in %.1f s -> %s",
        config.experiment.name,
        outcome.label,
        outcome.status,
        time.monotonic() - started,
        outcome.directory,
    )


if __name__ == "__main__":
    sys.exit(main())
