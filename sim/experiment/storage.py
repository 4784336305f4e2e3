"""Writing and reading run directories so that nothing half-written is ever taken as a result.

Every file is written to a temporary name and renamed into place. ``manifest.json`` is
written last and lists every table with its row count and checksum: a directory is a
complete result exactly when its manifest exists and every file matches it.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import socket
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

MANIFEST = "manifest.json"
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


class CorruptResultError(RuntimeError):
    """A results file is missing, truncated or does not match its manifest."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_parquet(frame: pd.DataFrame, path: Path) -> dict[str, Any]:
    """Write a table atomically; return its manifest entry (rows, bytes, sha256)."""
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink, compression="zstd")
    data = sink.getvalue().to_pybytes()
    atomic_write_bytes(path, data)
    return {"rows": len(frame), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def write_json(payload: Mapping[str, Any], path: Path) -> None:
    atomic_write_bytes(path, (json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n").encode())


def config_hash(config: Mapping[str, Any]) -> str:
    """A short, stable hash of a resolved configuration (what makes two runs the same)."""
    text = json.dumps(config, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def git_state(directory: Path | None = None) -> dict[str, Any]:
    """The project's git commit and whether the tree had uncommitted changes."""
    where = directory or Path(__file__).resolve().parent

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=where, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()

    try:
        return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class RunDirectory:
    """A directory holding one job's tables and manifest."""

    path: Path

    def write(self, tables: Mapping[str, pd.DataFrame], manifest: Mapping[str, Any]) -> dict[str, Any]:
        """Write every table, then the manifest that marks the result complete."""
        entries = {
            f"{name}.parquet": write_parquet(frame, self.path / f"{name}.parquet")
            for name, frame in tables.items()
        }
        full = {**manifest, "files": entries, "complete": True, "host": socket.gethostname()}
        write_json(full, self.path / MANIFEST)
        return full

    def manifest(self) -> dict[str, Any] | None:
        """The manifest, or None when the directory holds no complete result."""
        path = self.path / MANIFEST
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text())
        except json.JSONDecodeError as error:
            raise CorruptResultError(f"{path}: manifest is not valid JSON ({error})") from error

    def is_complete(self, expected_hash: str | None = None) -> bool:
        """True when the manifest exists, matches ``expected_hash`` and every file checks out."""
        manifest = self.manifest()
        if manifest is None or not manifest.get("complete"):
            return False
        if expected_hash is not None and manifest.get("config_hash") != expected_hash:
            return False
        try:
            self.verify(manifest)
        except CorruptResultError:
            return False
        return True

    def verify(self, manifest: Mapping[str, Any] | None = None) -> None:
        """Raise :class:`CorruptResultError` naming the first file that does not match."""
        manifest = manifest or self.manifest()
        if manifest is None:
            raise CorruptResultError(f"{self.path}: no {MANIFEST}; the job did not finish")
        for name, entry in manifest.get("files", {}).items():
            path = self.path / name
            if not path.is_file():
                raise CorruptResultError(f"{path}: listed in the manifest but missing")
            data = path.read_bytes()
            if len(data) != entry["bytes"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise CorruptResultError(f"{path}: contents do not match the manifest (truncated or altered)")

    def read(self, name: str) -> pd.DataFrame:
        """Read one table, with a clear error if it is missing or corrupt."""
        path = self.path / f"{name}.parquet"
        try:
            return pq.read_table(path).to_pandas()
        except (OSError, pa.ArrowInvalid) as error:
            raise CorruptResultError(f"{path}: cannot be read as Parquet ({error})") from error
