"""A scenario's data files are checked against their schemas before any run reads them.

Each row of the table edits one file of a copy of ``sim/data/baseline_2025`` the way a
user might by mistake; each used to give a raw traceback, a crash mid-run or, worse,
results from the wrong numbers. Now each is one line naming the file, the line and the
column.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.common.errors import ConfigError
from sim.experiment.data_schemas import check_data_folder
from sim.experiment.preflight import preflight
from sim.model.calibration import data_directory
from tests.experiment.conftest import compose

SHIPPED = data_directory("baseline_2025")


def replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        text = (folder / name).read_text()
        assert old in text, old
        (folder / name).write_text(text.replace(old, new, 1))

    return edit


def append_row(name: str, line: int) -> Callable[[Path], None]:
    """Repeat the file's ``line`` (1 = header) at its end."""

    def edit(folder: Path) -> None:
        text = (folder / name).read_text()
        (folder / name).write_text(text + text.splitlines()[line - 1] + "\n")

    return edit


def drop_column(name: str, column: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        with open(folder / name, newline="") as handle:
            rows = list(csv.reader(handle))
        index = rows[0].index(column)
        with open(folder / name, "w", newline="") as handle:
            csv.writer(handle).writerows([row[:index] + row[index + 1 :] for row in rows])

    return edit


def write(name: str, text: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_text(text)


def delete(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


CASES = [
    (
        "tie above 1",
        replace("ties.csv", "energy,RUS,CHN,0.45", "energy,RUS,CHN,1.7"),
        "ties.csv, line 2, column weight: 1.7 is out of range [0, 1]",
    ),
    (
        "trust above 1",
        replace("trust.csv", "CHN,RUS,0.7", "CHN,RUS,2.5"),
        "trust.csv, line 2, column value: 2.5 is out of range [0, 1]",
    ),
    (
        "negative oil share",
        replace("states.csv", "CHN,oil,0.345", "CHN,oil,-3"),
        "states.csv, line 10, column value: -3 is out of range [0, 1]",
    ),
    (
        "alignment 1.5 (crashed in LinAlgError)",
        replace("states.csv", "CHN,alignment,0.8", "CHN,alignment,1.5"),
        "states.csv, line 26, column value: 1.5 is out of range [0.01, 0.99]",
    ),
    (
        "non-numeric cell",
        replace("states.csv", "CHN,oil,0.345", "CHN,oil,lots"),
        "states.csv, line 10, column value: 'lots' is not a number",
    ),
    (
        "missing column",
        drop_column("ties.csv", "weight"),
        "ties.csv: lacks column 'weight' (columns: layer, source, target, weight, basis, source_ref)",
    ),
    (
        "duplicated tie row",
        append_row("ties.csv", 2),
        "ties.csv, line 36: repeats an earlier row with the same key",
    ),
    (
        "duplicated state row",
        append_row("states.csv", 3),
        "states.csv, line 38: repeats an earlier row with the same key",
    ),
    ("empty ties.csv", write("ties.csv", ""), "ties.csv: no rows"),
    (
        "ties.csv with a header only",
        write("ties.csv", "layer,source,target,weight,basis,source_ref\n"),
        "ties.csv: no rows",
    ),
    (
        "missing file",
        delete("trust.csv"),
        "trust.csv: missing (a data folder holds states.csv, ties.csv, trust.csv)",
    ),
    (
        "unknown layer",
        replace("ties.csv", "energy,RUS,CHN", "nuclear,RUS,CHN"),
        "ties.csv, line 2, column layer: 'nuclear' is not a layer (energy, military",
    ),
    (
        "tie of a state with itself",
        replace("ties.csv", "energy,RUS,CHN", "energy,RUS,RUS"),
        "ties.csv, line 2: source and target are the same state",
    ),
    (
        "unknown attribute",
        replace("states.csv", "CHN,oil,", "CHN,oil_share,"),
        "states.csv, line 10, column attribute: 'oil_share' is not an attribute",
    ),
    (
        "row without its source",
        replace("trust.csv", "judgement,\"'no limits' partnership\"", "judgement,"),
        "trust.csv, line 2, column source_ref: '' is empty: every row needs its source",
    ),
    (
        "not a number",
        replace("ties.csv", "energy,RUS,CHN,0.45", "energy,RUS,CHN,nan"),
        "ties.csv, line 2, column weight: 'nan' is not a number",
    ),
    (
        "ragged row",
        write("ties.csv", "layer,source,target,weight,basis,source_ref\nenergy,RUS,CHN,0.4,figure,x,y\n"),
        "ties.csv, line 2: 7 fields, the header has 6",
    ),
]


@pytest.fixture
def copy_of_baseline(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(SHIPPED, folder)
    return folder


@pytest.mark.parametrize(("edit", "expected"), [(e, x) for _, e, x in CASES], ids=[c[0] for c in CASES])
def test_a_broken_data_file_is_refused_naming_file_line_and_column(copy_of_baseline, edit, expected):
    edit(copy_of_baseline)
    with pytest.raises(ConfigError) as caught:
        check_data_folder(str(copy_of_baseline))
    lines = str(caught.value).splitlines()
    assert lines[0] == f"scenario.data: data set '{copy_of_baseline}' is not valid:"
    assert [line.strip() for line in lines[1:]] == [f"{copy_of_baseline}/{expected}"] or (
        len(lines) == 2 and lines[1].strip().startswith(f"{copy_of_baseline}/{expected}")
    )


def test_every_problem_of_a_file_gets_its_own_line(copy_of_baseline):
    replace("ties.csv", "energy,RUS,CHN,0.45", "energy,RUS,CHN,1.7")(copy_of_baseline)
    replace("trust.csv", "CHN,RUS,0.7", "CHN,RUS,2.5")(copy_of_baseline)
    append_row("ties.csv", 3)(copy_of_baseline)
    with pytest.raises(ConfigError) as caught:
        check_data_folder(str(copy_of_baseline))
    lines = str(caught.value).splitlines()
    assert lines[0] == f"scenario.data: data set '{copy_of_baseline}' is not valid:"
    assert len(lines) == 4


def test_the_shipped_data_sets_follow_their_schemas():
    for name in ("baseline_2025", "hindcast_2021"):
        check_data_folder(name)


def test_a_job_on_broken_data_is_refused_before_it_runs(copy_of_baseline):
    replace("states.csv", "CHN,alignment,0.8", "CHN,alignment,1.5")(copy_of_baseline)
    with pytest.raises(ConfigError, match=r"states.csv, line 26, column value: 1.5 is out of range"):
        preflight(compose(f"scenario.data={copy_of_baseline}"))
