"""docs/tutorial.md works as written: every file it creates and every command it shows,
run in order on a fresh copy of the project, with small replicate counts.

The page is the test's script: YAML blocks are written to the file the paragraph before
them names, ``$ ``-transcripts must print what they show, ``bash`` blocks must succeed and
``python`` blocks run in the project folder. Only sizes change: ``replicates`` (and the
sample count of sensitivity designs) are made small. A SLURM command is run where no
SLURM controller answers, where the page says it stops at once with a message.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "tutorial.md"
SMALL = {"replicates": "10", "design.samples": "8", "design.chunk_size": "16"}
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
PATH = re.compile(r"`([\w./-]+\.yaml)`")


@dataclass
class Step:
    kind: str  # "file", "transcript", "bash" or "python"
    text: str
    target: str = ""


def steps(markdown: str) -> list[Step]:
    """The tutorial's blocks in order, each with what to do with it."""
    found = []
    for match in BLOCK.finditer(markdown):
        language, body = match.group(1), match.group(2)
        before = markdown[: match.start()].rstrip().splitlines()[-1] if match.start() else ""
        if language == "yaml":
            named = PATH.findall(before)
            assert named, f"a YAML block must follow a sentence naming its file: {before!r}"
            found.append(Step("file", body, named[-1]))
        elif language == "" and body.startswith("$ "):
            found.append(Step("transcript", body))
        elif language in ("bash", "python"):
            found.append(Step(language, body))
    return found


def commands(script: str) -> list[str]:
    """Shell commands of a bash block, continuation lines joined."""
    joined = script.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def small(command: str) -> str:
    """The command with small sizes: the page's own counts replaced, missing ones added."""
    for key, value in SMALL.items():
        command = re.sub(rf"\b{re.escape(key)}=\d+", f"{key}={value}", command)
    if "experiments/run.py" in command:
        if "replicates=" not in command:
            command += f" replicates={SMALL['replicates']}"
        if re.search(r"experiment=(sensitivity|screening)\b", command) and "design.samples=" not in command:
            command += f" design.samples={SMALL['design.samples']}"
    return command


def fresh_copy(target: Path) -> Path:
    """The project's files as a clone would have them (tracked and new, not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file() and not name.startswith("results/"):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def no_slurm_controller(folder: Path) -> dict[str, str]:
    conf = folder / "slurm-nowhere.conf"
    conf.write_text("ClusterName=nowhere\nSlurmctldHost=localhost\nSlurmctldPort=1\nAuthType=auth/none\n")
    return {"SLURM_CONF": str(conf)}


def run(command: str, project: Path, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project), **(extra_env or {})}
    argv = command.replace("python ", f"{sys.executable} ", 1) if command.startswith("python ") else command
    return subprocess.run(argv, shell=True, cwd=project, env=env, capture_output=True, text=True, timeout=900)


def test_the_tutorial_is_parsed_into_steps():
    found = steps(TUTORIAL.read_text(encoding="utf-8"))
    kinds = [step.kind for step in found]
    assert kinds.count("file") == 1 and kinds.count("transcript") == 1 and "python" in kinds
    assert sum(len(commands(s.text)) for s in found if s.kind == "bash") >= 7
    assert small("python experiments/run.py x replicates=2000") == "python experiments/run.py x replicates=10"
    assert small("python experiments/run.py -m experiment=sensitivity").endswith("design.samples=8")


@pytest.mark.slow
def test_every_command_of_the_tutorial_runs_as_written(tmp_path):
    project = fresh_copy(tmp_path / "project")
    for step in steps(TUTORIAL.read_text(encoding="utf-8")):
        if step.kind == "file":
            (project / step.target).write_text(step.text, encoding="utf-8")
        elif step.kind == "transcript":
            command, *expected = step.text.splitlines()
            result = run(small(command.removeprefix("$ ")), project)
            assert result.returncode == 2, result.stderr[-2000:]
            for line in expected:
                assert line in result.stdout + result.stderr, (command, line)
        elif step.kind == "python":
            result = run(f"python -c {shlex.quote(step.text)}", project)
            assert result.returncode == 0, result.stderr[-3000:]
        else:
            for command in commands(step.text):
                if "hydra/launcher=slurm" in command:
                    result = run(small(command), project, no_slurm_controller(tmp_path))
                    assert result.returncode == 2 and "no SLURM controller answers" in result.stderr, command
                    continue
                result = run(small(command), project)
                assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    assert (project / "my_cohesion.pdf").stat().st_size > 1000
    faceted = next((project / "results" / "sweeps" / "compare_strategies").iterdir()) / "figures"
    assert (faceted / "model.patron_compensation=0.2" / "ranking.md").is_file()
    assert list((project / "results" / "sweeps" / "two_clients_phase" / "figures").glob("*-wide.pdf"))
