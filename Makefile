# Development entry points. `make run` serves the site on http://127.0.0.1:8000/,
# `make test` runs the whole suite (browser tests included) and the linter.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install: pip runs again only when a requirements file
# is newer than this, so repeated `make run` / `make test` start at once.
STAMP := $(VENV)/.requirements-installed
# The same for the Node test tools (axe-core, the Nu HTML Checker): npm runs again only
# when package.json or package-lock.json is newer than this.
NODE_STAMP := node_modules/.package-lock-installed
CHROMIUM := /usr/bin/chromium
ARGS ?=

.PHONY: run serve worker test bench fault lint migrate clean venv chromium node-tools

# The cache runserver and the worker share (CACHE_DIR, see README.md), emptied by
# `make clean`.
RUN_CACHE_DIR := $(CURDIR)/.cache/run

# runserver and, beside it, the background worker (mail, re-rendering). The worker gets
# a session of its own (setsid), so that the trap stops it and its autoreloader's child
# together whenever runserver stops, by Ctrl-C or otherwise; its fixed id lets it take
# back, when it starts again, a task it was stopped in the middle of.
run: venv .secret_key
	DEBUG=1 $(BIN)/python manage.py migrate
	DEBUG=1 $(BIN)/python manage.py load_demo --if-empty
	@trap 'kill -TERM -$$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	DEBUG=1 CACHE_DIR=$(RUN_CACHE_DIR) setsid $(BIN)/python manage.py run_worker --worker-id dev \
		--no-startup-delay & \
	worker=$$!; \
	DEBUG=1 CACHE_DIR=$(RUN_CACHE_DIR) $(BIN)/python manage.py runserver 127.0.0.1:8000

# The site as deployed: gunicorn, DEBUG off, hashed and compressed static files. It
# reads SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (PostgreSQL) from the environment;
# see "Production" in README.md. BIND and WEB_CONCURRENCY may be overridden likewise.
BIND ?= 127.0.0.1:8000
WEB_CONCURRENCY ?= 3

serve: venv
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py migrate --noinput
	exec $(BIN)/gunicorn shortscience.wsgi --bind $(BIND) --workers $(WEB_CONCURRENCY) \
		--access-logfile -

# The background worker of a deployment, in the foreground like `make serve`, for the
# same process manager to run beside it (README.md, "Background tasks"). WORKER_ID must
# be unique among the workers running and stay the same across restarts.
WORKER_ID ?= $(shell hostname)-1

worker: venv
	exec $(BIN)/python manage.py run_worker --worker-id $(WORKER_ID) --no-reload

# pytest and ruff (lint and format) all run even when one fails, so one pass reports
# everything.
test: venv chromium node-tools
	@status=0; \
	$(BIN)/pytest $(ARGS) || status=$$?; \
	$(BIN)/ruff check . || status=$$((status ? status : 1)); \
	$(BIN)/ruff format --check . || status=$$((status ? status : 1)); \
	exit $$status

# Page throughput on a large generated PostgreSQL database, served by gunicorn and
# measured with wrk, without and with the Redis cache; see "Performance" in README.md.
bench: venv
	scripts/with-postgres scripts/with-redis $(BIN)/python bench/pages.py $(ARGS)

# Concurrent posts and votes, and a PostgreSQL restart in the middle of a stream of
# posts, against gunicorn; see "Load and faults" in README.md.
fault: venv
	scripts/with-postgres scripts/with-redis $(BIN)/python bench/fault.py $(ARGS)

lint: venv
	@status=0; \
	$(BIN)/ruff check . || status=$$?; \
	$(BIN)/ruff format --check . || status=$$((status ? status : 1)); \
	exit $$status

migrate: venv .secret_key
	$(BIN)/python manage.py migrate

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .cache

venv: $(STAMP)

# A failed `venv` (Debian's python3 without python3-venv) leaves a half-made
# directory that would satisfy this rule next time, so it is removed.
$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { \
		rm -rf $(VENV); \
		echo "error: '$(PYTHON) -m venv' failed; on Debian install python3-venv" >&2; \
		exit 1; }

# psycopg2 is built from source, which needs pg_config from libpq-dev.
$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	@if ! command -v pg_config >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "pg_config missing: installing libpq-dev (needed to build psycopg2)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpq-dev; \
		else \
			echo "error: pg_config not found; psycopg2 needs it to build." >&2; \
			echo "       Install it first: sudo apt-get install libpq-dev" >&2; \
			exit 1; \
		fi; \
	fi
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@

# A development key, made once; the file is ignored by git and read by settings.py.
.secret_key: | $(BIN)/python
	@umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@.tmp
	@mv $@.tmp $@

node-tools: $(NODE_STAMP)

# Exactly the locked versions. Install scripts are skipped: vnu-jar's would fetch a Java
# runtime from outside the package registries, and the tests use the system's java.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found; install Node.js and npm first" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# Browser tests drive Debian's Chromium; Playwright's own browser downloads are
# not reachable from these machines.
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "$(CHROMIUM) missing: installing Debian's chromium"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "error: $(CHROMIUM) not found; the browser tests need it." >&2; \
		echo "       Install it first: sudo apt-get install chromium" >&2; \
		exit 1; \
	fi
