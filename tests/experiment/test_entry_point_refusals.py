"""The command line refuses bad input with one line and exit status 2, and leaves no run directory.

Hydra's own composition errors (unknown option, unparsable override, a YAML file with a
duplicate key or a Python tag) used to print 6 to 80 lines and exit with status 1; the
project's checks (unknown keys, unsafe names, broken data) used to leave an empty run
directory behind. Each row: the arguments, the line expected, exit status 2.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.model.calibration import data_directory
from tests.experiment.conftest import ROOT, run_entry

SMALL = ["replicates=8", "horizon=6"]


@pytest.fixture(scope="module")
def extra_configs(tmp_path_factory) -> Path:
    """A config search path with broken strategy files, as a user might write them."""
    root = tmp_path_factory.mktemp("configs")
    (root / "strategy").mkdir()
    (root / "strategy" / "duplicate_key.yaml").write_text("name: duplicate_key\nname: other\nlevers: []\n")
    (root / "strategy" / "python_tag.yaml").write_text(
        "name: python_tag\nlevers: !!python/object/apply:os.system ['echo owned']\n"
    )
    (root / "strategy" / "mislabelled.yaml").write_text("name: pyongyang_deal\nlevers: []\n")
    return root


@pytest.fixture(scope="module")
def broken_data(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("data") / "baseline"
    shutil.copytree(data_directory("baseline_2025"), folder)
    ties = folder / "ties.csv"
    ties.write_text(ties.read_text().replace("energy,RUS,CHN,0.45", "energy,RUS,CHN,1.7"))
    return folder


CASES = [
    (["+model.rationalty=20"], "model.rationalty: unknown key; did you mean 'rationality'?"),
    (["strategy=nope"], "strategy: no option 'nope' (allowed: adaptive, alliance_first"),
    (["replicates=many"], "replicates: Value 'many' of type 'str' could not be converted to Integer"),
    (["model.not_a_parameter=1"], "model.not_a_parameter: unknown key (allowed: tie_rate"),
    (["replicates"], "Error parsing override 'replicates'"),
    (["strategy.levers.0.kind=3"], "strategy.levers[0]"),
    (["SEARCH", "strategy=duplicate_key"], "strategy/duplicate_key.yaml, line 2: found duplicate key name"),
    (["SEARCH", "strategy=python_tag"], "could not determine a constructor for the tag"),
    (
        ["SEARCH", "strategy=mislabelled"],
        "strategy.name: the strategy file mislabelled.yaml is named 'pyongyang_deal'",
    ),
    (
        ["strategy.name=/../../../../x", "record_ties=true"],
        "strategy.name: '/../../../../x' is not a safe name",
    ),
    (["DATA"], "ties.csv, line 2, column weight: 1.7 is out of range [0, 1]"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("arguments", "expected"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_input_ends_with_one_line_and_status_2(tmp_path, extra_configs, broken_data, arguments, expected):
    run_dir = tmp_path / "runs" / "run"
    replacements = {
        "SEARCH": f"hydra.searchpath=[file://{extra_configs}]",
        "DATA": f"scenario.data={broken_data}",
    }
    arguments = [replacements.get(argument, argument) for argument in arguments]
    result = run_entry("run.py", *arguments, *SMALL, f"hydra.run.dir={run_dir}", check=False, timeout=120)
    output = (result.stdout + result.stderr).splitlines()
    assert result.returncode == 2, output
    assert len([line for line in output if expected in line]) == 1, output
    assert len([line for line in output if "error" in line.lower()]) == 1, output
    assert not run_dir.exists(), "a refused configuration left its run directory"
    assert not list(tmp_path.rglob("*.pdf")) and not list(tmp_path.rglob("*.parquet"))


def test_an_unknown_key_ends_with_status_2_and_no_run_directory(tmp_path):
    run_dir = tmp_path / "run"
    result = run_entry("run.py", "+scenario.foo=1", *SMALL, f"hydra.run.dir={run_dir}", check=False)
    assert result.returncode == 2
    assert "scenario.foo: unknown key (allowed: name, start, data" in result.stdout
    assert not run_dir.exists()


def test_a_composition_error_is_one_line_on_stderr(tmp_path):
    result = run_entry("run.py", "experiment=nope", f"hydra.run.dir={tmp_path / 'run'}", check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error: experiment: no option 'nope' (allowed: budget_frontier")
    assert result.stderr.count("\n") == 1 and result.stdout == ""


def test_a_job_too_large_for_a_memory_cap_is_refused_with_what_would_fit(tmp_path):
    """The issue's reproducer: 10,000,000 replicates under a 6 GB cap died with _ArrayMemoryError."""
    cap = 6 * 10**9

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    run_dir = tmp_path / "run"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "experiments" / "run.py"),
            "replicates=10000000",
            f"hydra.run.dir={run_dir}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit_memory,
    )
    assert result.returncode == 2, result.stderr[-2000:]
    line = next(line for line in result.stdout.splitlines() if "bad configuration" in line)
    assert "replicates: this job needs about" in line and "GB is available" in line
    assert "'first_replicate=range(0,10000000," in line
    assert "MemoryError" not in result.stdout + result.stderr
    assert not run_dir.exists()
