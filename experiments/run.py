"""Run one job: a scenario under one or more strategies over a chunk of a design.

    python experiments/run.py                               # status_quo on baseline_2025
    python experiments/run.py strategy=pyongyang_deal replicates=1000
    python experiments/run.py experiment=compare_strategies # the default main job
    python experiments/run.py -m experiment=sensitivity design.chunk_size=64 'design.chunk=range(0,8)'

Results go to the job's Hydra output directory under results/. A job whose identity
(configuration, data files, code version) already has a complete result anywhere under
the sweep directory is skipped. Bad input ends with one line naming the problem and exit
status 2 (docs/experiments.md lists what is checked).
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
from sim.experiment.command_line import discard_unused_output, run_entry_point
from sim.experiment.configuration import Config, register_schemas, to_config
from sim.experiment.jobs import execute_job
from sim.experiment.sweep_folders import register_resolvers
from sim.experiment.workers import exit_with_sweep, mark_sweep_process

log = logging.getLogger("sim")
register_schemas()
register_resolvers()


@hydra.main(version_base="1.3", config_path="../configs", config_name="config")
def main(cfg: DictConfig) -> None:
    started = time.monotonic()
    runtime = HydraConfig.get()
    output = Path(runtime.runtime.output_dir)
    if "joblib" in str(runtime.launcher.get("_target_", "")):
        exit_with_sweep()  # a joblib worker ends with the sweep's process
    try:
        config = to_config(cfg, runtime.runtime.choices, runtime.overrides.task)
        is_multirun = runtime.mode.name == "MULTIRUN"
        search_root = Path(runtime.sweep.dir) if is_multirun else output
        outcome = execute_job(config, output, search_root)
    except ConfigError as error:
        log.error("bad configuration: %s", error)
        discard_unused_output(output)
        raise SystemExit(2) from None
    except MemoryError:
        log.error(
            "the job ran out of memory; run fewer replicates or configurations per job "
            "(replicates with first_replicate ranges, design.chunk_size; see docs/experiments.md)"
        )
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
    mark_sweep_process()
    sys.exit(run_entry_point(main, schema=Config))
