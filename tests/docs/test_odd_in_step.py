"""docs/ODD.md stays in step with the code.

The Parameters tables of the ODD must list every field of the configuration dataclasses
in ``sim/model/parameters.py`` with its default and its documented range; every model parameter
must also be used in the text; defaults and ranges quoted in the text must match; and the
equation labels, lever kinds, event kinds and metrics of the code must be described.
"""

from __future__ import annotations

import math
import re
from dataclasses import MISSING, Field, fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from sim.common.vocabulary import BLOC_METRICS, LAYERS, STATE_METRICS
from sim.model.parameters import (
    EVENT_KINDS,
    LEVER_KINDS,
    AdaptiveConfig,
    EventConfig,
    LeverConfig,
    ModelParameters,
    RandomShockConfig,
    RunConfig,
    ScenarioConfig,
    UncertainParameterConfig,
    UncertaintyConfig,
    USConfig,
)

ROOT = Path(__file__).resolve().parents[2]
ODD = ROOT / "docs" / "ODD.md"

# Each documented dataclass and the configuration path prefix of its fields.
PREFIXES: dict[type, str] = {
    ModelParameters: "model.",
    USConfig: "scenario.us.",
    ScenarioConfig: "scenario.",
    LeverConfig: "strategy.levers[k].",
    AdaptiveConfig: "strategy.adaptive.",
    RandomShockConfig: "scenario.random_shocks[k].",
    EventConfig: "scenario.events[k].",
    UncertaintyConfig: "scenario.uncertainty.",
    UncertainParameterConfig: "scenario.uncertainty.parameters[k].",
    RunConfig: "",
}
NUMBER = re.compile(r"[-+−]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
PATH_CELL = re.compile(r"`([^`]+)`")


@cache
def odd_text() -> str:
    assert ODD.is_file(), "docs/ODD.md is missing"
    return ODD.read_text(encoding="utf-8")


def split_row(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


@cache
def tables() -> tuple[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], ...]:
    """Every Markdown table of the ODD as (lower-case header, body rows)."""
    found: list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = []
    header: list[str] | None = None
    body: list[tuple[str, ...]] = []
    for line in [*odd_text().splitlines(), ""]:
        if line.strip().startswith("|"):
            cells = split_row(line)
            if header is None:
                header = [cell.lower() for cell in cells]
            elif not all(set(cell) <= set("-: ") for cell in cells):
                body.append(tuple(cells))
            continue
        if header is not None:
            found.append((tuple(header), tuple(body)))
        header, body = None, []
    return tuple(found)


@cache
def parameter_rows() -> dict[str, dict[str, str]]:
    """Rows of the Parameters tables (header starting with 'Config path'), keyed by path."""
    rows: dict[str, dict[str, str]] = {}
    for header, body in tables():
        if not header or header[0] != "config path":
            continue
        for cells in body:
            match = PATH_CELL.fullmatch(cells[0])
            assert match, f"first cell of a Parameters row is not a `path`: {cells[0]!r}"
            assert match.group(1) not in rows, f"{match.group(1)} is listed twice"
            rows[match.group(1)] = dict(zip(header, cells, strict=False))
    return rows


def default_of(spec: Field) -> Any:
    if spec.default is not MISSING:
        return spec.default
    if spec.default_factory is not MISSING:
        return spec.default_factory()
    return MISSING


def documented_fields() -> list[tuple[str, Field]]:
    """(config path, field) for every field the Parameters tables must list."""
    out = []
    for cls, prefix in PREFIXES.items():
        for spec in fields(cls):
            if is_dataclass(default_of(spec)):
                continue  # a nested group, documented by its own table
            out.append((f"{prefix}{spec.name}", spec))
    return out


def numbers(text: str) -> list[float]:
    return [float(token.replace("−", "-")) for token in NUMBER.findall(text)]


def same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_default(path: str, default: Any, cell: str) -> None:
    if isinstance(default, dict):
        for key, value in default.items():
            found = re.search(rf"(?<![\w]){re.escape(key)}\s*[:=]\s*({NUMBER.pattern})", cell)
            assert found, f"{path}: default entry '{key}' missing from {cell!r}"
            assert same(float(found.group(1).replace("−", "-")), value), (
                f"{path}.{key}: ODD says {found.group(1)}, code says {value}"
            )
        if not default:
            assert cell.replace(" ", "") in ("{}", "`{}`"), f"{path}: default is empty, ODD says {cell!r}"
    elif is_number(default):
        listed = numbers(cell)
        assert listed, f"{path}: no default in {cell!r}"
        assert same(listed[0], default), f"{path}: ODD default {listed[0]}, code default {default}"
    elif isinstance(default, bool):
        assert str(default).lower() in cell.lower(), f"{path}: default {default} not in {cell!r}"
    elif default is None:
        assert "null" in cell or "none" in cell.lower(), f"{path}: default null not in {cell!r}"
    elif isinstance(default, str) and default:
        assert default in cell, f"{path}: default '{default}' not in {cell!r}"
    elif isinstance(default, list):
        for item in default:
            assert str(item) in cell, f"{path}: default item '{item}' not in {cell!r}"


def check_range(path: str, bounds: tuple[float, float], cell: str) -> None:
    listed = numbers(cell)
    assert len(listed) >= 2, f"{path}: no range in {cell!r}"
    assert same(listed[0], bounds[0]) and same(listed[1], bounds[1]), (
        f"{path}: ODD range {listed[:2]}, code range {list(bounds)}"
    )


@pytest.mark.parametrize("path,spec", documented_fields(), ids=lambda value: getattr(value, "name", value))
def test_every_parameter_is_listed_with_its_default_and_range(path: str, spec: Field):
    rows = parameter_rows()
    assert path in rows, f"{path} is missing from the Parameters tables of docs/ODD.md"
    row = rows[path]
    check_default(path, default_of(spec), row.get("default", ""))
    bounds = spec.metadata.get("range")
    if bounds is not None:
        check_range(path, bounds, row.get("range", ""))


def owner(path: str) -> tuple[type, str] | None:
    """The dataclass a documented path belongs to, by its longest matching prefix."""
    candidates = [
        (cls, path[len(prefix) :])
        for cls, prefix in PREFIXES.items()
        if path.startswith(prefix) and re.fullmatch(r"\w+", path[len(prefix) :])
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda item: len(PREFIXES[item[0]]))


def test_the_parameters_tables_list_no_parameter_the_code_lacks():
    for path in parameter_rows():
        found = owner(path)
        assert found is not None, f"docs/ODD.md lists {path}, which matches no configuration group"
        cls, name = found
        assert name in {spec.name for spec in fields(cls)}, f"docs/ODD.md lists {path}, not in {cls.__name__}"


@pytest.mark.parametrize("name", [spec.name for spec in fields(ModelParameters)])
def test_every_model_parameter_appears_in_the_text_as_well_as_the_table(name: str):
    uses = re.findall(rf"`model\.{name}(?![\w])", odd_text())
    assert len(uses) >= 2, f"model.{name} is in the table but not in the text of docs/ODD.md"


def test_defaults_and_ranges_quoted_in_the_text_match_the_code():
    ranged = {path: spec for path, spec in documented_fields() if spec.metadata.get("range")}
    quoted = re.findall(
        r"`([\w.\[\]]+)`\s*\(default ([^,;()]+?)[,;] range \[([^\]]+)\]",
        odd_text(),
    )
    assert quoted, "no '(default x, range [a, b])' quotes found in docs/ODD.md"
    for path, default, bounds in quoted:
        assert path in ranged, f"docs/ODD.md quotes a default for {path}, not a ranged parameter"
        spec = ranged[path]
        check_default(path, default_of(spec), default)
        check_range(path, spec.metadata["range"], f"[{bounds}]")


def code_labels() -> set[str]:
    labels: set[str] = set()
    for module in ("agents.py", "bloc_model.py"):
        source = (ROOT / "sim" / "model" / module).read_text(encoding="utf-8")
        labels |= set(re.findall(r"\b([SA](?:10|[1-9]))\b", source))
    return labels


def test_every_equation_label_of_the_code_has_a_submodel():
    labels = code_labels()
    assert labels, "no equation labels found in sim/model/agents.py and sim/model/bloc_model.py"
    missing = [label for label in sorted(labels) if f"**{label} —" not in odd_text()]
    assert not missing, f"equations {missing} have no submodel entry ('**<label> —') in docs/ODD.md"


def kind_cells() -> str:
    return " ".join(cells[0] for header, body in tables() if header and header[0] == "kind" for cells in body)


@pytest.mark.parametrize("kind", sorted(set(LEVER_KINDS) | set(EVENT_KINDS)))
def test_every_lever_and_event_kind_is_described(kind: str):
    described = f"`{kind}`" in kind_cells()
    assert described, f"'{kind}' is missing from the lever and event tables of docs/ODD.md"


@pytest.mark.parametrize("metric", [*BLOC_METRICS, *STATE_METRICS])
def test_every_metric_is_described(metric: str):
    text = odd_text()
    layer = next((name for name in LAYERS if metric == f"density_{name}"), None)
    expected = "`density_<layer>`" if layer else f"`{metric}`"
    described = expected in text
    assert described, f"metric '{metric}' is not described in docs/ODD.md"
