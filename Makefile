# Paper Notes. `make run` serves the site on SQLite; `make test` runs every test.
# Both need only Python 3.11+ and make: they create .venv and install what they need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# A laptop default: debug on, so no secret key is needed. Production sets its own.
export DJANGO_DEBUG ?= 1

.PHONY: run test e2e chromium lint format check migrate demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

migrate: $(VENV)/.installed-run
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo --if-empty

run: demo
	@echo "Serving http://$(HOST):$(PORT)/  (admin: $(BIN)/python manage.py createsuperuser, then /admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Everything, the browser tests included where Chromium is installed (they are skipped,
# saying so, where it is not). PYTEST_ARGS='-m "not e2e"' leaves them out.
test: $(VENV)/.installed-dev
	@command -v chromium >/dev/null || echo "Chromium is not installed: the browser tests (tests/e2e) will be skipped. \
	make chromium installs it (as root), make e2e runs them."
	$(BIN)/pytest $(PYTEST_ARGS)

# The browser tests alone (tests/e2e), as CI runs them: Chromium against the site served by
# gunicorn on a SQLite database of their own, with the tests' own settings whatever this
# shell has set (every DJANGO_* variable, DATABASE_URL, CACHE_URL and PAGE_CACHE_* unset).
# Screenshots go to screenshots/.
e2e: $(VENV)/.installed-dev chromium
	env $$(env | sed -n 's/^\(DJANGO_[A-Z0-9_]*\|PAGE_CACHE_[A-Z0-9_]*\)=.*/-u \1/p') \
		-u DATABASE_URL -u CACHE_URL -u PYTEST_ADDOPTS \
		$(BIN)/pytest -m e2e tests/e2e

# Debian's Chromium, and an emoji font for the pages' emoji, when missing and apt-get can
# install them (as root); the browser tests need Chromium, and say so without it.
chromium:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "color emoji" || \
	{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		{ apt-get install -y -q chromium fonts-noto-color-emoji >/dev/null 2>&1 || \
		  { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium fonts-noto-color-emoji >/dev/null 2>&1; }; }; } || true
	@command -v chromium >/dev/null || { echo "Chromium is not installed and could not be (apt-get install chromium, as root): the browser tests need it."; exit 1; }

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(VENV)/.installed-dev
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# The load benchmark (docs/performance.md): minutes, so not part of `make test`.
# `make bench ARGS=--quick` is a smoke run of a minute or two; ARGS takes any option of bench/run.py.
# Load comes from wrk, installed here when missing and apt-get can; without it the bench
# uses a load driver of its own, in Python, and says so.
bench: $(VENV)/.installed-run
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		{ apt-get install -y -q wrk >/dev/null 2>&1 || \
		  { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk >/dev/null 2>&1; }; }; } || \
		echo "wrk is not installed and could not be: the bench drives load with its own Python driver."
	$(BIN)/python bench/run.py $(ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache screenshots
