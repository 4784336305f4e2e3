"""Names that become file names, directory names and labels: safe identifiers only.

A strategy's name ends up in figure file names (``ties_<strategy>.pdf``), an experiment's
in the results directory; ``/../../x`` would write outside it. Names are therefore
checked when a configuration is read and again when results are read back (the results
may come from someone else). Imports the standard library only, so the code that reads
result tables can use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sim.common.errors import ConfigError

IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
IDENTIFIER_RULE = "a letter, then letters, digits, '_' or '-' (at most 64 characters)"
PARAMETER_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")
PARAMETER_RULE = "a dotted path of letters, digits and '_', e.g. scenario.tie_scale.CHN_PRK"


def is_identifier(name: object) -> bool:
    return isinstance(name, str) and IDENTIFIER.fullmatch(name) is not None


def check_identifier(key: str, name: object) -> None:
    """Raise :class:`ConfigError` unless ``name`` is safe as a file name and a label."""
    if not is_identifier(name):
        raise ConfigError(key, f"'{name}' is not a safe name", IDENTIFIER_RULE)


def check_parameter_path(key: str, name: object) -> None:
    """Raise :class:`ConfigError` unless ``name`` is a dotted parameter path (a column name)."""
    if not isinstance(name, str) or PARAMETER_PATH.fullmatch(name) is None:
        raise ConfigError(key, f"'{name}' is not a parameter path", PARAMETER_RULE)


def check_unique(key: str, names: Iterable[str]) -> None:
    """Raise :class:`ConfigError` naming a name listed twice (it would label two things alike)."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ConfigError(key, f"'{name}' is listed twice", "each name once")
        seen.add(name)


def unsafe_names(label: str, names: Iterable[object]) -> list[str]:
    """Problems, one line each, for names read back from results that are not safe identifiers."""
    unsafe = [name for name in names if not is_identifier(name)]
    return [f"{label} '{name}' is not a safe name ({IDENTIFIER_RULE})" for name in unsafe]
