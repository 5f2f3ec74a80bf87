# The two set-up commands: `make run` (the main job) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-deps lint bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/narrate run

# Browser and feed-parser tests: Debian chromium (apt, as root) and podcast-partytime (npm).
# Idempotent; when either cannot be installed, the tests that need it skip and say why.
test-deps:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || \
		echo "chromium not installed: the browser test will skip"
	@test -f tests/node/node_modules/podcast-partytime/package.json || \
		npm install --no-save --no-audit --no-fund --prefix tests/node podcast-partytime || \
		echo "podcast-partytime not installed: its feed test will skip"

test: $(STAMP) test-deps
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python bench/cli_vs_piper.py

clean:
	rm -rf $(VENV) out
