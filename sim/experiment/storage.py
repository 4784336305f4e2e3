"""Writing and reading run directories so that nothing half-written is ever taken as a result.

Every file is written to a temporary name and renamed into place. ``manifest.json`` is
written last and lists every table with its row count and checksum: a directory is a
complete result exactly when its manifest exists and every file matches it.

Files get the permissions the umask allows (as any file the user creates), temporary
files a kill left behind are removed on the next run of the job, and a result that a
job is about to replace is moved aside into ``.superseded/``, never deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.common.vocabulary import RUN_TABLES

MANIFEST = "manifest.json"
SUPERSEDED = ".superseded"
TEMPORARY_SUFFIX = ".tmp"


def _file_mode() -> int:
    """Permissions of a new file under the current umask (mkstemp alone gives 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()


class CorruptResultError(RuntimeError):
    """A results file is missing, truncated or does not match its manifest."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX)
    try:
        os.fchmod(handle, FILE_MODE)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_temporaries(folder: Path) -> list[Path]:
    """Delete the temporary files an interrupted :func:`atomic_write_bytes` left in ``folder``."""
    if not folder.is_dir():
        return []
    leftovers = [p for p in folder.glob(f".*{TEMPORARY_SUFFIX}") if p.is_file()]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers


def write_parquet(frame: pd.DataFrame, path: Path) -> dict[str, Any]:
    """Write a table atomically; return its manifest entry (rows, bytes, sha256)."""
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink, compression="zstd")
    data = sink.getvalue().to_pybytes()
    atomic_write_bytes(path, data)
    return {"rows": len(frame), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


@contextmanager
def atomic_parquet_writer(path: Path, schema: pa.Schema) -> Iterator[pq.ParquetWriter]:
    """A Parquet writer for tables too large to hold at once, renamed into place when done."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX)
    os.close(handle)
    try:
        with pq.ParquetWriter(temporary, schema, compression="zstd") as writer:
            yield writer
        os.chmod(temporary, FILE_MODE)
        with open(temporary, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json(payload: Mapping[str, Any], path: Path) -> None:
    atomic_write_bytes(path, (json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n").encode())


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
        """The manifest, or None when the directory holds none; :class:`CorruptResultError` if unreadable."""
        path = self.path / MANIFEST
        if not path.is_file():
            return None
        try:
            manifest = json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CorruptResultError(f"{path}: manifest is not valid JSON ({error})") from error
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
            raise CorruptResultError(f"{path}: manifest lacks its list of files (truncated or altered)")
        return manifest

    def is_complete(self, expected_identity: str | None = None) -> bool:
        """True when the manifest exists, matches ``expected_identity`` and every file checks out.

        A corrupt manifest or table makes the job unfinished, not an error: it is recomputed.
        """
        try:
            manifest = self.manifest()
            if manifest is None or not manifest.get("complete"):
                return False
            if expected_identity is not None and manifest.get("identity") != expected_identity:
                return False
            self.verify(manifest)
        except CorruptResultError:
            return False
        return True

    def holds_results(self) -> bool:
        """True if the directory has a manifest or a run table (complete or not)."""
        names = [MANIFEST, *(f"{table}.parquet" for table in RUN_TABLES)]
        return any((self.path / name).exists() for name in names)

    def set_aside(self) -> Path:
        """Move the manifest and run tables into ``.superseded/<n>/`` (a job is about to replace them)."""
        store = self.path / SUPERSEDED
        store.mkdir(parents=True, exist_ok=True)
        number = 1 + max((int(p.name) for p in store.iterdir() if p.name.isdigit()), default=0)
        target = store / str(number)
        target.mkdir()
        for name in [MANIFEST, *(f"{table}.parquet" for table in RUN_TABLES)]:
            if (self.path / name).exists():
                os.replace(self.path / name, target / name)
        return target

    def verify(self, manifest: Mapping[str, Any] | None = None) -> None:
        """Raise :class:`CorruptResultError` naming the first file that does not match."""
        manifest = manifest or self.manifest()
        if manifest is None:
            raise CorruptResultError(f"{self.path}: no {MANIFEST}; the job did not finish")
        allowed = {f"{table}.parquet" for table in RUN_TABLES}
        for name, entry in manifest.get("files", {}).items():
            path = self.path / str(name)
            if name not in allowed:
                raise CorruptResultError(f"{self.path / MANIFEST}: lists '{name}', not a run table")
            if not path.is_file():
                raise CorruptResultError(f"{path}: listed in the manifest but missing")
            data = path.read_bytes()
            try:
                matches = len(data) == entry["bytes"] and hashlib.sha256(data).hexdigest() == entry["sha256"]
            except (KeyError, TypeError):
                matches = False
            if not matches:
                raise CorruptResultError(f"{path}: contents do not match the manifest (truncated or altered)")

    def read(self, name: str) -> pd.DataFrame:
        """Read one table, with a clear error if it is missing or corrupt."""
        path = self.path / f"{name}.parquet"
        try:
            return pq.read_table(path).to_pandas()
        except (OSError, pa.ArrowInvalid) as error:
            raise CorruptResultError(f"{path}: cannot be read as Parquet ({error})") from error
