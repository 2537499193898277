# make run  : set up (once) and run the main job on samples/, then score it against the gold
# make test : set up (once) and run the tests
# make bench: the benchmarks (ratios against floors measured in the same run)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench samples lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/emn run samples --out outputs
	$(BIN)/emn evaluate --gold samples/gold --pred outputs

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

samples: $(STAMP)
	$(BIN)/python scripts/make_samples.py

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks scripts
	$(BIN)/mypy pipeline

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
