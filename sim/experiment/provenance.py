"""What a result depends on besides its configuration: the code that computed it and the data it read.

A job's identity is the hash of its resolved configuration, the checksum of every data
file its scenario reads and the version of the code that makes the tables (the source of
``sim.common``, ``sim.model`` and ``sim.experiment``). Resume skips a job only when all
three match, so an edited data file or model is recomputed rather than reused, and the
gathering of a sweep refuses jobs of different versions.

The git commit, the dirty flag and a hash of the uncommitted diff are recorded too, for
people reading a manifest; the identity itself uses the source, which is the same for
an installed copy without git.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import subprocess
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.model.calibration import DATA_FILES, data_directory
from sim.model.parameters import ScenarioConfig

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
RESULT_CODE = ("common", "model", "experiment")
"""Sub-packages of ``sim`` whose code decides the numbers in a run's tables."""
PACKAGES = (
    "bloc-wedge-sim",
    "mesa",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "hydra-core",
    "SALib",
    "matplotlib",
    "ema-workbench",
    "optuna",
    "scikit-learn",
)


def digest(text: str) -> str:
    """A short, stable hash of text."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def config_hash(config: Mapping[str, Any]) -> str:
    """A short, stable hash of a resolved configuration (what makes two runs the same)."""
    return digest(json.dumps(config, sort_keys=True, default=str))


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.cache
def source_version() -> str:
    """Hash of the Python source that computes run tables (path and content of every module)."""
    hasher = hashlib.sha256()
    files = [PACKAGE_ROOT / "__init__.py"]
    for package in RESULT_CODE:
        files += sorted((PACKAGE_ROOT / package).rglob("*.py"))
    for path in files:
        hasher.update(path.relative_to(PACKAGE_ROOT).as_posix().encode() + b"\0")
        hasher.update(path.read_bytes() + b"\0")
    return hasher.hexdigest()[:16]


@functools.cache
def git_state(directory: Path | None = None) -> dict[str, Any]:
    """The project's git commit, whether the tree is dirty, and a hash of the uncommitted changes.

    Computed once per process, so every job of a process reports the code it imported.
    """
    where = directory or PACKAGE_ROOT

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(where), *args], capture_output=True, text=True, check=True, timeout=30
        ).stdout

    try:
        where = Path(git("rev-parse", "--show-toplevel").strip())
        commit = git("rev-parse", "HEAD").strip()
        status = git("status", "--porcelain").strip()
        diff = None
        if status:
            untracked = filter(None, git("ls-files", "--others", "--exclude-standard", "-z").split("\0"))
            parts = [git("diff", "HEAD", "--binary")]
            parts += [f"{name}\0{file_sha256(where / name)}" for name in sorted(untracked)]
            diff = digest("\0".join(parts))
        return {"commit": commit, "dirty": bool(status), "diff_sha256": diff}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None, "diff_sha256": None}


def code_version() -> dict[str, Any]:
    """The code version of this process: the source hash that identifies results, and git's view."""
    return {"source": source_version(), **git_state()}


def data_checksums(scenario: ScenarioConfig) -> dict[str, str]:
    """SHA-256 of every data file the scenario reads, keyed '<data set>/<file>'."""
    folder = data_directory(scenario.data)
    return {f"{scenario.data}/{name}": file_sha256(folder / name) for name in DATA_FILES}


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def identity(config_digest: str, data: Mapping[str, str], code: Mapping[str, Any]) -> str:
    """The job identity: configuration, data files and result code together."""
    return config_hash({"config": config_digest, "data": dict(data), "code": code["source"]})
