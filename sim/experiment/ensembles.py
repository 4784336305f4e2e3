"""Files of parameter draws for ``scenario.uncertainty.file``: CSV or Parquet.

The model reads CSV files itself; Parquet needs pyarrow, which the model layer does not
import, so the runner reads the file once per job and hands the table to every batch.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim.common.errors import ConfigError
from sim.model.ensembles import KEY, DrawTable, read_csv_draws
from sim.model.parameters import UncertaintyConfig

PARQUET_SUFFIXES = (".parquet", ".pq")


def read_draws(spec: UncertaintyConfig) -> DrawTable | None:
    """The ensemble's table of draws, or None when it draws from distributions."""
    if spec.file is None:
        return None
    path = Path(spec.file)
    if path.suffix.lower() == ".csv":
        return read_csv_draws(path)
    if path.suffix.lower() not in PARQUET_SUFFIXES:
        raise ConfigError(f"{KEY}.file", f"'{path}' is neither CSV nor Parquet", ".csv, .parquet or .pq")
    if not path.is_file():
        raise ConfigError(f"{KEY}.file", f"no file '{path}'", "a CSV or Parquet file of draws")
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as error:
        raise ConfigError(f"{KEY}.file", f"'{path}' cannot be read as Parquet ({error})") from None
    return DrawTable.from_columns(
        path.name, {name: table.column(name).to_pylist() for name in table.column_names}
    )
