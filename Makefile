# FlowPulse — the README's commands. `make run` serves; `make test` checks.
# Everything lives in .venv; nothing is installed system-wide.

VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The first Python 3.11+ on PATH (override: make PYTHON=/path/to/python3.12 run).
# Probed once (`:=`), its stderr silenced: a pyenv shim for a version that is
# not selected answers "command not found" on stderr, which is no error here.
ifeq ($(origin PYTHON), undefined)
PYTHON := $(shell for p in python3.13 python3.12 python3.11 python3; do \
            command -v $$p >/dev/null 2>&1 \
            && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 \
            && { echo $$p; break; }; done)
endif

# The real OpenID Connect provider the social sign-in tests run (Node.js, lock file committed).
OIDC_DIR   := tests/oauth_servers/oidc
OIDC_STAMP := $(OIDC_DIR)/node_modules/.installed

.PHONY: install install-test-provider run serve test test-fast screenshots soak bench lint format clean

install: $(STAMP)

# axe-core for the browser tests (tests/e2e), from its lock file; without npm
# the browser tests skip with one line saying so.
E2E_MODULES := tests/e2e/node_modules/.package-lock.json
$(E2E_MODULES): tests/e2e/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error >/dev/null; \
	else echo "npm not found: the browser tests will be skipped" >&2; fi

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "FlowPulse needs Python 3.11 or newer on PATH." >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Plain http on localhost, so the auth cookie cannot be Secure here; mail is
# printed to the log because no MAIL_SERVER is configured by default. BASE_URL
# names localhost (CONTRACT §8): passkeys need a name, not an IP, and an emailed
# link must open on the origin whose cookies signed up.
run: install
	$(BIN)/flask db migrate
	FLOWPULSE_SESSION_COOKIE_SECURE=false FLOWPULSE_BASE_URL=$${FLOWPULSE_BASE_URL:-http://localhost:5000} \
		$(BIN)/flask run --host 127.0.0.1 --port 5000

# Production serving: Granian by default, FLOWPULSE_SERVER=gunicorn for gunicorn.conf.py
# (flowpulse/serving/; bind with FLOWPULSE_BIND).
serve: install
	$(BIN)/flask db migrate
	$(BIN)/python -m flowpulse.serving

# Without Node.js the provider tests skip with one line (.ci/run refuses that).
install-test-provider: $(OIDC_STAMP)

$(OIDC_STAMP): $(OIDC_DIR)/package-lock.json
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
		cd $(OIDC_DIR) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "Node.js not found: the OpenID Connect provider tests will skip."; fi

test: install install-test-provider $(E2E_MODULES)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r flowpulse -ll
	$(BIN)/python -m pytest

# The suite without its multi-process tests (servers, workers, browsers), for day-to-day work.
test-fast: install install-test-provider
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -m "not multiprocess"

# docs/screenshots/*.png (desktop, phone, dark) from the browser suite's own pages.
screenshots: install $(E2E_MODULES)
	FLOWPULSE_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/e2e/test_accessibility.py -k "$(SCREENSHOT_STATES)"

SCREENSHOT_STATES := home or sign_in or sign_up or check_inbox or confirm_email or profile or \
	devices_several or account_menu_open or two_factor_setup or recovery_codes_shown or \
	two_factor_on or two_factor_step or provider_denied or passkeys_listed

# The long load-and-soak run (PostgreSQL): SOAK_ARGS="--people 300 --minutes 5".
SOAK_ARGS ?= --people 300 --minutes 5
soak: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
		$(BIN)/python -m tests.soak $(SOAK_ARGS)

# Issue 6's benchmark: one table of numbers next to their targets (never
# asserted). Loopback only; PostgreSQL rows use a private schema on
# postgresql://postgres@127.0.0.1:5432/test unless BENCH_ARGS says otherwise:
# make bench BENCH_ARGS="--quick" or BENCH_ARGS="--database-url postgresql://…".
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .venv-peer .pytest_cache .ruff_cache *.egg-info tests/e2e/node_modules
