# Set-up and everyday commands. `make demo` and `make test` work on a fresh machine with
# nothing but Python 3.11: they create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
SAMPLES := src/newsevents/data/samples

.PHONY: demo test install dev bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

demo: install
	$(VENV)/bin/newsevents extract $(SAMPLES) --format table

test: dev
	$(PY) -m pytest -q

bench: dev
	$(PY) benchmarks/run.py --update-docs

clean:
	rm -rf $(VENV) build .pytest_cache
