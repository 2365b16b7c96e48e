# Two commands do everything: `make demo` runs the product, `make test` runs the whole suite.
# The development venv installs requirements-dev.lock (the runtime pins of requirements.lock
# plus the tools); `make lock` regenerates both, `make dist` builds the wheel and the sdist.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint types imports bench install clean lock chaos dist

$(BIN)/zulip-standup: pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
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

# The dev lock first (it keeps the pins already in it), then the runtime lock constrained by it,
# so every package the two share has the same version and hashes (tests/unit/test_locks.py).
LOCK_ARGS := --generate-hashes --python-version 3.11 --no-header
lock:
	uv pip compile pyproject.toml --extra dev $(LOCK_ARGS) -o requirements-dev.lock
	uv pip compile pyproject.toml $(LOCK_ARGS) -c requirements-dev.lock -o requirements.lock
	$(MAKE) requirements-build.lock

# The image's build stage needs only the build backend and its dependencies: their pins and
# hashes copied from the dev lock (pip --require-hashes rejects the file if one is missing).
BUILD_PINS := hatchling packaging pathspec pluggy tomlkit trove-classifiers
.PHONY: requirements-build.lock
requirements-build.lock:
	@{ echo "# The wheel's build backend (pyproject's build-system) for the image's build stage:"; \
	  echo "# the pins and hashes of requirements-dev.lock, copied by make requirements-build.lock."; \
	  awk -v names=" $(BUILD_PINS) " 'match($$0, /^[A-Za-z0-9._-]+==/) { \
	      keep = index(names, " " tolower(substr($$0, 1, RLENGTH - 2)) " ") > 0 } \
	    keep && (/==/ || /^    --hash/)' requirements-dev.lock; } > $@

# The build front end and backend come from the dev lock (no isolated, unpinned build env).
dist: install
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .

clean:
	rm -rf $(VENV) dist .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
