"""Checks across the jobs of a sweep before they are combined into one dataset.

Every chunk of a design must be there exactly once; every job must come from the same
code and read the same data files (unless the caller allows mixing); names read back
from the results must be safe as file names; and no (configuration, replicate) may
appear twice (``first_replicate=0,50 replicates=100`` would count replicates 50..99
twice). Each check returns one line per problem, naming the jobs involved. Reads
manifests and tables only; imports nothing of the model.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pandas as pd

from sim.experiment.names import unsafe_names

MAX_LISTED = 4
"""Job directories named per problem before the rest are counted."""


def listing(directories: Iterable[str]) -> str:
    directories = sorted(directories)
    shown = ", ".join(directories[:MAX_LISTED])
    more = len(directories) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def chunk_problems(manifests: list[dict[str, Any]]) -> list[str]:
    """Chunks of a design that are missing or appear more than once."""
    by_design: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for manifest in manifests:
        by_design[manifest["design_hash"]].append(manifest)
    problems = []
    for jobs in by_design.values():
        expected = jobs[0]["n_chunks"]
        seen: dict[int, list[str]] = defaultdict(list)
        for job in jobs:
            seen[job["chunk"]].append(job["directory"])
        missing = sorted(set(range(expected)) - set(seen))
        if missing:
            problems.append(
                f"design {jobs[0]['design_hash']}: chunks {missing} of 0..{expected - 1} are missing"
            )
        for chunk, places in sorted(seen.items()):
            if len(places) > 1:
                problems.append(
                    f"design {jobs[0]['design_hash']}: chunk {chunk} appears {len(places)} times: {places}"
                )
    return problems


def version_problems(manifests: list[dict[str, Any]]) -> list[str]:
    """Jobs computed by different code, or from different contents of one data file."""
    problems = []
    by_code: dict[str, list[str]] = defaultdict(list)
    for manifest in manifests:
        by_code[_code_label(manifest.get("code"))].append(manifest["directory"])
    if len(by_code) > 1:
        groups = "; ".join(f"{label}: {listing(places)}" for label, places in sorted(by_code.items()))
        problems.append(f"jobs come from {len(by_code)} code versions: {groups}")
    data = {m["directory"]: m["data"] if isinstance(m.get("data"), dict) else {} for m in manifests}
    for name in sorted(set().union(*data.values())):
        versions: dict[str, list[str]] = defaultdict(list)
        for directory, files in data.items():
            versions[str(files.get(name, "not recorded"))[:12]].append(directory)
        if len(versions) > 1:
            groups = "; ".join(
                f"{version}: {listing(places)}" for version, places in sorted(versions.items())
            )
            problems.append(f"data file {name} differs between jobs: {groups}")
    return problems


def _code_label(code: Any) -> str:
    if not isinstance(code, dict) or "source" not in code:
        return "code not recorded"
    commit = str(code.get("commit") or "no git")[:10]
    dirty = f" with uncommitted changes {code.get('diff_sha256')}" if code.get("dirty") else ""
    return f"code {code['source']} (commit {commit}{dirty})"


def name_problems(manifests: list[dict[str, Any]], summaries: Iterable[pd.DataFrame]) -> list[str]:
    """Names that results would turn into file names, checked again as they are read back."""
    problems = unsafe_names("experiment", {str(m.get("experiment")) for m in manifests})
    strategies: set[object] = set()
    scenarios: set[object] = set()
    for frame in summaries:
        strategies.update(frame["strategy"].unique() if "strategy" in frame else [])
        scenarios.update(frame["scenario"].unique() if "scenario" in frame else [])
    problems += unsafe_names("strategy", sorted(map(str, strategies)))
    problems += unsafe_names("scenario", sorted(map(str, scenarios)))
    return problems


def duplicate_problems(
    summary: pd.DataFrame, job_column: str, keys: list[str], configs: dict[str, dict[str, Any]]
) -> list[str]:
    """(configuration, replicate) rows that more than one job produced, naming the jobs.

    ``configs`` maps each job to its resolved configuration, to say how the jobs differ.
    """
    present = [key for key in keys if key in summary.columns]
    repeated = summary[summary.duplicated(subset=present, keep=False)]
    if repeated.empty:
        return []
    configuration = [key for key in present if key != "replicate"]
    problems = []
    for labels, part in repeated.groupby(configuration, dropna=False, sort=True):
        jobs = sorted(part[job_column].unique())
        replicates = sorted(part["replicate"].unique())
        described = ", ".join(f"{k}={v}" for k, v in zip(configuration, _as_tuple(labels), strict=True))
        counted = f"{len(replicates)} replicates ({replicates[0]}..{replicates[-1]}) of {described}"
        if len(jobs) == 1:
            problems.append(f"{counted} appear twice in job {jobs[0]}")
        else:
            differences = _differences(configs.get(jobs[0], {}), configs.get(jobs[1], {}))
            problems.append(
                f"{counted} appear in more than one job ({len(jobs)} jobs: {listing(jobs)}{differences})"
            )
        if len(problems) >= MAX_LISTED:
            break
    return problems


def _as_tuple(labels: Any) -> tuple:
    return labels if isinstance(labels, tuple) else (labels,)


def _differences(first: dict[str, Any], second: dict[str, Any]) -> str:
    differing = settings_differ(first, second)
    if not differing:
        return ", with the same configuration"
    return f", differing in {', '.join(differing[:MAX_LISTED])}"


def settings_differ(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    """Dotted keys whose values differ between two resolved configurations."""
    flat_first, flat_second = flatten(first), flatten(second)
    keys = set(flat_first) | set(flat_second)
    return sorted(
        key
        for key in keys
        if json.dumps(flat_first.get(key), default=str) != json.dumps(flat_second.get(key), default=str)
    )


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    """A nested configuration as {dotted key: value} (lists stay values)."""
    if isinstance(tree, dict):
        out: dict[str, Any] = {}
        for key, value in tree.items():
            out.update(flatten(value, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): tree}
