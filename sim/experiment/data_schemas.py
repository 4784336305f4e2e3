"""Schemas of a scenario's data files, checked before any run reads them.

Each file of a data folder (``states.csv``, ``ties.csv``, ``trust.csv``) has a pandera
schema: its columns, the vocabulary of its text columns, the range of its numbers (per
attribute for ``states.csv``), the uniqueness of its rows, and the source every row must
carry. A file that breaks its schema is refused with one line per problem naming the
file, the line and the column, before any job runs. The model reads the files with the
``csv`` module only (it may not import pandas), so the checks live here.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from sim.common.errors import ConfigError
from sim.common.vocabulary import LAYERS
from sim.model.calibration import DATA_FILES, STATE_ATTRIBUTES, data_directory

STATE_CODE = r"^[A-Z]{3}$"
BASES = ("figure", "derived", "judgement")
UNIT = (0.0, 1.0)
ATTRIBUTE_RANGES: dict[str, tuple[float, float]] = {
    **dict.fromkeys(STATE_ATTRIBUTES, UNIT),
    "sanctions_designations": (0.0, math.inf),
    # the model works with the log-odds of alignment, so 0 and 1 are out of reach
    "alignment": (0.01, 0.99),
}
MAX_PROBLEMS = 20


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _text(*checks: pa.Check) -> pa.Column:
    return pa.Column(str, list(checks))


def _state() -> pa.Column:
    return _text(pa.Check.str_matches(STATE_CODE, error="is not a three-letter state code"))


def _number() -> pa.Column:
    return _text(pa.Check(_is_number, element_wise=True, error="is not a number"))


def _sourced(columns: dict[str, pa.Column], source: str, unique: list[str]) -> pa.DataFrameSchema:
    """A schema whose rows each carry a basis and a non-empty source, with unique keys."""
    columns = {
        **columns,
        "basis": _text(pa.Check.isin(BASES, error=f"is not a basis ({', '.join(BASES)})")),
        source: _text(pa.Check.str_length(min_value=1, error="is empty: every row needs its source")),
    }
    return pa.DataFrameSchema(columns, unique=unique, report_duplicates="exclude_first", strict=False)


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "states.csv": _sourced(
        {
            "state": _state(),
            "attribute": _text(
                pa.Check.isin(STATE_ATTRIBUTES, error=f"is not an attribute ({', '.join(STATE_ATTRIBUTES)})")
            ),
            "value": _number(),
        },
        "source",
        ["state", "attribute"],
    ),
    "ties.csv": _sourced(
        {
            "layer": _text(pa.Check.isin(LAYERS, error=f"is not a layer ({', '.join(LAYERS)})")),
            "source": _state(),
            "target": _state(),
            "weight": _number(),
        },
        "source_ref",
        ["layer", "source", "target"],
    ),
    "trust.csv": _sourced(
        {"truster": _state(), "trusted": _state(), "value": _number()},
        "source_ref",
        ["truster", "trusted"],
    ),
}
PAIRS = {"ties.csv": ("source", "target", "weight"), "trust.csv": ("truster", "trusted", "value")}
"""Files of directed pairs: the two state columns (which must differ) and the value column, in [0, 1]."""


def check_data_folder(name: str) -> Path:
    """Check every file of a scenario's data folder; return the folder or raise :class:`ConfigError`.

    The error holds one line per problem (at most ``MAX_PROBLEMS``).
    """
    folder = data_directory(name)
    problems: list[str] = []
    for file in DATA_FILES:
        problems += file_problems(folder / file)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"... and {len(problems) - MAX_PROBLEMS} more")
        raise ConfigError("scenario.data", f"data set '{name}' is not valid:\n  " + "\n  ".join(shown))
    return folder


def file_problems(path: Path) -> list[str]:
    """One line per problem of one data file (empty when the file follows its schema)."""
    if not path.is_file():
        return [f"{path}: missing (a data folder holds {', '.join(DATA_FILES)})"]
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle, skipinitialspace=True))
    except (UnicodeDecodeError, csv.Error) as error:
        return [f"{path}: not a CSV file ({error})"]
    schema = SCHEMAS[path.name]
    ragged = [number for number, row in enumerate(rows[1:], start=2) if len(row) != len(rows[0])]
    if ragged:
        return [
            f"{path}, line {number}: {len(rows[number - 1])} fields, the header has {len(rows[0])}"
            for number in ragged
        ]
    frame = pd.DataFrame(rows[1:], columns=rows[0]) if rows else pd.DataFrame()
    if frame.empty:
        return [f"{path}: no rows (a header line {','.join(schema.columns)} and one row per value)"]
    try:
        schema.validate(frame, lazy=True)
        problems = []
    except SchemaErrors as errors:
        problems = _describe(path, errors.failure_cases, list(schema.columns))
    if set(schema.columns) <= set(frame.columns):
        problems += _range_problems(path, frame)
    return problems


def _describe(path: Path, cases: pd.DataFrame, columns: list[str]) -> list[str]:
    """Pandera's failure cases as one line each: file, line, column, value and what is wrong."""
    problems = []
    for (check, column, index), part in cases.groupby(["check", "column", "index"], dropna=False, sort=False):
        value = part["failure_case"].iloc[0]
        if check == "column_in_dataframe":
            problems.append(f"{path}: lacks column '{value}' (columns: {', '.join(columns)})")
        elif check == "multiple_fields_uniqueness":
            problems.append(f"{path}, line {_line(index)}: repeats an earlier row's {column}")
        elif not pd.isna(index):
            problems.append(f"{path}, line {_line(index)}, column {column}: '{value}' {check}")
        else:
            problems.append(f"{path}, column {column}: {check} ({value})")
    return _first_per_line(problems)


def _first_per_line(problems: list[str]) -> list[str]:
    """Drop repeated uniqueness lines of one row (pandera reports each key column)."""
    kept: list[str] = []
    rows: set[str] = set()
    for line in problems:
        if " repeats an earlier row's " in line:
            row = line.split(": repeats ")[0]
            if row in rows:
                continue
            rows.add(row)
            line = f"{row}: repeats an earlier row with the same key"
        kept.append(line)
    return kept


def _range_problems(path: Path, frame: pd.DataFrame) -> list[str]:
    """Values outside their range, and pairs of a state with itself (checks needing two columns)."""
    problems = []
    if path.name in PAIRS:
        first, second, value = PAIRS[path.name]
        limits = pd.Series([UNIT] * len(frame), index=frame.index)
        for index in frame.index[frame[first] == frame[second]]:
            problems.append(f"{path}, line {_line(index)}: {first} and {second} are the same state")
    else:
        value = "value"
        limits = frame["attribute"].map(ATTRIBUTE_RANGES)
    numbers = pd.to_numeric(frame[value], errors="coerce")
    for index, number in numbers.items():
        low, high = limits[index] if isinstance(limits[index], tuple) else (-math.inf, math.inf)
        if not pd.isna(number) and not low <= number <= high:
            problems.append(
                f"{path}, line {_line(index)}, column {value}: {number:g} is out of range [{low:g}, {high:g}]"
            )
    return problems


def _line(index: object) -> int:
    """The line of a data row in its file (line 1 is the header)."""
    return int(index) + 2
