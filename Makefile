# Two commands do everything: `make demo` runs the product, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint types imports bench install clean lock chaos

$(BIN)/zulip-standup: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

install: $(BIN)/zulip-standup

demo: install
	$(BIN)/zulip-standup demo

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

types: install
	$(BIN)/mypy

imports: install
	$(BIN)/lint-imports

# The process-level chaos soak: `make chaos SEEDS=1-50` prints one counts line per seed and DB.
SEEDS ?= 1,2
chaos: install
	CHAOS_SEEDS=$(SEEDS) PYTHONPATH=src:. $(BIN)/python -m pytest tests/chaos -q -s

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 --no-header -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
