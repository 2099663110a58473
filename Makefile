# Two commands on a fresh machine: `make run` (set up and start the service) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: test check venv model clean bench

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# The classifier is built from models/data when missing or when the corpus changed (keyed by hash).
model: $(STAMP)
	$(BIN)/screening train --if-changed

test: $(STAMP) model
	$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

check: $(STAMP) model
	@test -n "$(FILE)" || (echo "用法：make check FILE=草稿.docx" >&2; exit 2)
	$(BIN)/screening check $(FILE)

bench: $(STAMP) model
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
