# Set-up and the two everyday commands. Needs only Python 3.11 on the machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test lint model bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

## The main job: a full run on the bundled demo site with a fresh SQLite database.
demo: $(BIN)/.installed
	$(BIN)/canhgac demo

## Lint, type-check, layer contract, then the test suite (SQLite; also PostgreSQL when
## CANHGAC_TEST_DATABASE_URL is set).
test: $(BIN)/.installed lint
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy classifier review crawler
	$(BIN)/lint-imports

## Rebuild the bundled default model from the seed examples in the repo.
model: $(BIN)/.installed
	$(BIN)/python -m classifier.train --default

bench: $(BIN)/.installed
	for b in bench/*.py; do case $$b in */_*) ;; *) $(BIN)/python $$b || exit 1;; esac; done
