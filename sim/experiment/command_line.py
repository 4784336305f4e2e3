"""The entry points' contract for bad input: one line naming the problem, exit status 2.

Hydra reports its own composition errors (an unknown option, an override it cannot
parse, a YAML file with a duplicate key) in several lines or a traceback and exits with
status 1. :func:`run_entry_point` lets those errors reach it instead and prints one line,
like the project's own checks; any other exception keeps its traceback (it is a bug).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import typing
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import yaml
from hydra.errors import HydraException, MissingConfigException
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException

from sim.common.errors import ConfigError
from sim.experiment.keys import unknown_key

log = logging.getLogger("sim")
BAD_INPUT = 2
FULL_ERROR = "HYDRA_FULL_ERROR"
_MISSING_OPTION = re.compile(r"Could not find '([^']+)/([^']+)'")


def run_entry_point(main: Callable[[], Any], schema: type | None = None) -> int:
    """Call a Hydra ``main``; bad input ends with one line on stderr and status 2."""
    user_wants_traceback = FULL_ERROR in os.environ
    os.environ[FULL_ERROR] = "1"  # Hydra then raises instead of printing and exiting 1
    try:
        main()
    except (HydraException, OmegaConfBaseException, yaml.YAMLError, ConfigError) as error:
        if user_wants_traceback:
            raise
        print(f"error: {one_line(error, schema)}", file=sys.stderr)
        return BAD_INPUT
    return 0


def one_line(error: BaseException, schema: type | None = None) -> str:
    """A one-line description of a configuration error, naming the key or file and the choices."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        where = f"{mark.name}, line {mark.line + 1}: " if mark else ""
        return f"{where}{error.problem or error.context}"
    if isinstance(error, MissingConfigException):
        return _missing_option(str(error))
    cause = error if isinstance(error, OmegaConfBaseException) else error.__cause__
    if isinstance(cause, OmegaConfBaseException) and getattr(cause, "full_key", None):
        return _omegaconf_error(cause, schema)
    lines = [line.strip() for line in str(error).splitlines()]
    return "; ".join(line for line in lines if line and not line.startswith("See https://"))


def _missing_option(text: str) -> str:
    match = _MISSING_OPTION.search(text)
    if not match:
        return " ".join(text.split())
    group, option = match.groups()
    listing = text.split("Available options in", 1)[-1].split("Config search path", 1)[0]
    options = [line.strip() for line in listing.splitlines()[1:] if line.strip()]
    return f"{group}: no option '{option}' (allowed: {', '.join(options)})"


def _omegaconf_error(error: OmegaConfBaseException, schema: type | None) -> str:
    key = str(error.full_key)
    if isinstance(error, ConfigAttributeError | ConfigKeyError) and schema is not None:
        known = _known_keys(schema, key.rsplit(".", 1)[0] if "." in key else "")
        if known is not None:
            return str(unknown_key(key, key.rsplit(".", 1)[-1], known))
    message = str(error.msg).splitlines()[0] if getattr(error, "msg", None) else str(error).splitlines()[0]
    return f"{key}: {message}"


def _known_keys(schema: type, path: str) -> list[str] | None:
    """Field names of the schema dataclass at a dotted path, or None if there is none."""
    node: Any = schema
    for part in filter(None, re.split(r"[.\[\]]", path)):
        if part.isdigit():
            continue
        hint = typing.get_type_hints(node).get(part) if is_dataclass(node) else None
        node = _dataclass_in(hint)
        if node is None:
            return None
    return [spec.name for spec in fields(node)] if is_dataclass(node) else None


def _dataclass_in(hint: Any) -> type | None:
    """The dataclass a type hint holds (``list[LeverConfig]`` -> ``LeverConfig``), if any."""
    if is_dataclass(hint):
        return hint
    for argument in typing.get_args(hint):
        found = _dataclass_in(argument)
        if found is not None:
            return found
    return None


def discard_unused_output(directory: Path) -> bool:
    """Remove a job directory that Hydra created but that holds no result (bad configuration).

    Only Hydra's own files (``.hydra/`` and the log) may be there; anything else is kept.
    """
    if not directory.is_dir():
        return False
    entries = list(directory.iterdir())
    if any(not (entry.name == ".hydra" or entry.suffix == ".log") for entry in entries):
        return False
    shutil.rmtree(directory)
    return True
