# The two set-up commands: `make run` (the service) and `make test` (the whole suite).
# `make run` installs Narrate alone; `make test` adds the test tools (the `test` extra).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-deps lint bench install shell clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Narrate and what it needs to run: no pytest, browsers or linters.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# The test tools on top; they include all of the above, so its stamp is fresh too.
$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)

# API + a worker pool + (without REDIS_URL) an embedded Redis; data in NARRATE_DATA_DIR (data/).
run: $(RUN_STAMP)
	$(BIN)/narrate run --host $(HOST) --port $(PORT)

# A shell with `narrate` (and the venv's python) on PATH; `exit` leaves it.
shell: $(RUN_STAMP)
	@echo "narrate is on PATH in this shell; type exit to leave it"
	@VIRTUAL_ENV="$(CURDIR)/$(VENV)" PATH="$(CURDIR)/$(BIN):$$PATH" $${SHELL:-/bin/sh}

# Browser and feed-parser tests: Debian chromium (apt, as root) and podcast-partytime (npm).
# Idempotent; when either cannot be installed, the tests that need it skip and say why.
test-deps:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || \
		echo "chromium not installed: the browser test will skip"
	@test -f tests/node/node_modules/podcast-partytime/package.json || \
		npm install --no-save --no-audit --no-fund --prefix tests/node podcast-partytime || \
		echo "podcast-partytime not installed: its feed test will skip"

test: $(TEST_STAMP) test-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 --dist loadfile

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(TEST_STAMP)
	$(BIN)/python bench/cli_vs_piper.py

clean:
	rm -rf $(VENV) out
