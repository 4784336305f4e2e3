# Two commands on a fresh clone:
#   make run    install into .venv and run the default experiment (figures under results/)
#   make test   install into .venv and run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast lint format paper benchmark benchmark-design cluster-up cluster-down clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,cluster]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python experiments/run.py experiment=compare_strategies

test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not slow and not cluster"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

benchmark: install
	$(BIN)/python benchmarks/throughput.py

benchmark-design: install
	$(BIN)/python benchmarks/design_throughput.py

paper: install
	$(BIN)/python experiments/paper.py

cluster-up:
	bash tests/cluster/slurm_up.sh

cluster-down:
	bash tests/cluster/slurm_down.sh

clean:
	rm -rf results/runs results/sweeps
