# Two commands on a fresh clone:
#   make run    install into .venv and run the default experiment (figures under results/)
#   make test   install into .venv and run the test suite
# and one to explore the model in a browser:
#   make app    install into .venv and serve app.py on http://localhost:8765
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast lint format paper benchmark benchmark-design app app-assets cluster-up cluster-down clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,cluster,viz]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python experiments/run.py experiment=compare_strategies

test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not slow and not cluster and not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

benchmark: install
	$(BIN)/python benchmarks/throughput.py

benchmark-design: install
	$(BIN)/python benchmarks/design_throughput.py

paper: install
	$(BIN)/python experiments/paper.py

# the page's JavaScript and CSS from the npm registry (the page is blank without them offline)
app-assets: install
	bash scripts/solara_assets.sh $(BIN)/python

app: app-assets
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=false $(BIN)/solara run app.py $(APP_ARGS)

cluster-up:
	bash tests/cluster/slurm_up.sh

cluster-down:
	bash tests/cluster/slurm_down.sh

clean:
	rm -rf results/runs results/sweeps
