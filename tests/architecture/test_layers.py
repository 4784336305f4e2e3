"""The layer rule: analysis > validation > publish > experiment > model > common.

The contracts live in ``pyproject.toml`` (import-linter); these tests make a wrong-way
import fail the suite, not only ``make lint``.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "pyarrow", "matplotlib", "hydra", "omegaconf")
MAX_MODULE_LINES = 400


def _lint_imports() -> str:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
        "lint-imports"
    )
    if found is None:
        pytest.fail("lint-imports is not installed: pip install -e '.[test]'")
    return found


def test_the_import_contracts_hold():
    result = subprocess.run([_lint_imports()], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "BROKEN" not in result.stdout
    assert result.stdout.count("KEPT") >= 3


def _modules_loaded_by(statement: str) -> set[str]:
    probe = f"import sys; {statement}; print(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_importing_the_model_loads_no_experiment_or_publication_libraries():
    """Mesa itself imports pandas (and with it pyarrow); the model adds none of the heavy libraries."""
    by_mesa = _modules_loaded_by("import mesa")
    by_model = _modules_loaded_by("import sim.model")
    added = by_model - by_mesa
    assert not added & set(HEAVY), f"sim.model loads {sorted(added & set(HEAVY))}"
    assert not by_model & {"matplotlib", "hydra", "omegaconf"}


def _python_modules() -> list[Path]:
    return sorted((ROOT / "sim").rglob("*.py"))


def test_no_module_is_longer_than_about_four_hundred_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _python_modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these modules: {long}"


def test_every_module_has_a_docstring():
    missing = [
        str(p.relative_to(ROOT))
        for p in _python_modules()
        if ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None
    ]
    assert not missing, f"modules without a docstring: {missing}"


def test_the_public_api_resolves_every_name_it_exports():
    import sim

    for name in sim.__all__:
        assert getattr(sim, name) is not None, name
