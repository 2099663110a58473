# Two commands on a fresh machine: `make run` (set up and start the service) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: test check venv model sysdeps clean bench bench-portal run demo axe

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# Debian packages the tests and the service need (LibreOffice for PDF sheets, CJK fonts,
# poppler, PostgreSQL for the second database), installed only when missing.
sysdeps:
	bash scripts/system-deps.sh

# axe-core (accessibility rules) for the browser tests, pinned, from npm into the ignored node_modules/.
AXE_VERSION := 4.10.2
AXE := node_modules/axe-core/axe.min.js
axe: $(AXE)

$(AXE):
	npm install --no-save --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

# The classifier is built from models/data when missing or when the corpus changed (keyed by hash).
model: $(STAMP)
	$(BIN)/screening train --if-changed

# The suite runs against SQLite and against a throwaway PostgreSQL on loopback (started here,
# unless TEST_POSTGRES_URL names one), which is stopped again afterwards, pass or fail.
test: $(STAMP) sysdeps model axe
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
		$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS); \
	else \
		export SCREENING_PG_STATE=$$(mktemp -u /tmp/screening-pg-XXXXXX.env); \
		url=$$(bash scripts/postgres.sh start) || exit 1; \
		TEST_POSTGRES_URL=$$url $(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS); status=$$?; \
		bash scripts/postgres.sh stop; exit $$status; \
	fi

# Start the service on 127.0.0.1:8000 (embedded SQLite in ./instance): system packages, migrations,
# model, first admin with a random password printed once, gunicorn. `make demo` adds a demo unit
# with one user per role (passwords printed once).
run: $(STAMP)
	bash scripts/run.sh

demo: $(STAMP)
	bash scripts/run.sh --demo

check: $(STAMP) model
	@test -n "$(FILE)" || (echo "用法：make check FILE=草稿.docx" >&2; exit 2)
	$(BIN)/screening check $(FILE)

# References measured beside the product, each in a benchmark-only virtualenv (never the product's).
DETECT_SECRETS := benchmarks/.venv-detect-secrets/bin/detect-secrets

$(DETECT_SECRETS):
	$(PYTHON) -m venv benchmarks/.venv-detect-secrets
	benchmarks/.venv-detect-secrets/bin/pip install --quiet --disable-pip-version-check detect-secrets==1.5.0

bench: $(STAMP) model $(DETECT_SECRETS)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/personal.py

bench-portal: $(STAMP) model
	$(BIN)/python benchmarks/portal.py

clean:
	rm -rf $(VENV) build *.egg-info
