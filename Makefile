# Set-up and everyday commands. `make demo` and `make test` work on a fresh machine with
# nothing but Python 3.11: they create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
SAMPLES := src/newsevents/data/samples

.PHONY: demo test install dev bench clean chromium models

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# The learned argument-role model, trained from the corpus in the repository
# (src/newsevents/data/training/events) into the user cache; instant when it is there already.
models: install
	$(PY) -m newsevents.extract.roles build >/dev/null

dev: $(VENV)/.dev-installed

demo: models
	$(VENV)/bin/newsevents extract $(SAMPLES) --format table

# Debian's Chromium for the browser tests (tests/serve/test_browser.py); Playwright drives it,
# no browser is downloaded. Without root or apt-get those tests are skipped with a message.
chromium:
	@[ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ; } || \
	  echo "Chromium could not be installed (apt-get install -y chromium); the browser tests will be skipped"

test: dev models chromium
	$(PY) -m pytest -q

bench: dev
	$(PY) benchmarks/run.py --update-docs

clean:
	rm -rf $(VENV) build .pytest_cache
