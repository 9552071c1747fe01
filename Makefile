# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PYTHON ?= python3
INSTALLED := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

# make test always runs against the real PostgreSQL and Redis of the machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/fengtai_crm
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	SECRET_KEY=test-only-secret-key DEBUG=0

.PHONY: run test install browser lint format messages smoke bench-import bench-pages

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

install: $(INSTALLED)

# The browser tests drive Debian's Chromium (never a downloaded browser), with CJK fonts so that
# screenshots show Chinese; installed once, as root, from Debian's packages.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) && fc-list :lang=zh | grep -q . || { \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			chromium fonts-noto-cjk; }

# Embedded defaults unless DATABASE_URL / CELERY_BROKER_URL are set: SQLite and a file broker in var/.
run: export DEBUG ?= 1
run: export PATH := $(CURDIR)/$(BIN):$(PATH)
run: $(INSTALLED)
	mkdir -p var/broker var/broker-control
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo --with-users
	@echo "Serving on http://127.0.0.1:8000/ (administration: /admin/) — Ctrl-C stops the web app, worker and beat."
	exec $(BIN)/honcho start -f Procfile

test: $(INSTALLED) browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) manage.py check --fail-level WARNING
	$(TEST_ENV) $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(TEST_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0
	$(TEST_ENV) $(BIN)/pytest -n 2 --dist loadgroup

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Compile the translation catalogue after editing locale/*/LC_MESSAGES/django.po.
messages: $(INSTALLED)
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

# The path of `make run` on embedded defaults: start it, wait for /healthz, stop it.
smoke:
	bash .ci/smoke-run

# Import of 10,000 partner rows, on PostgreSQL (not part of make test).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/fengtai_bench
bench-import: $(INSTALLED)
	psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='fengtai_bench'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE fengtai_bench"
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=0 $(PY) -m bench.import_partners

# Server time and queries of every page on the demo data set, on PostgreSQL (not part of make test).
PAGES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/fengtai_bench_pages
bench-pages: $(INSTALLED)
	psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='fengtai_bench_pages'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE fengtai_bench_pages"
	DATABASE_URL=$(PAGES_DATABASE_URL) DEBUG=0 $(PY) manage.py collectstatic --no-input --verbosity 0
	DATABASE_URL=$(PAGES_DATABASE_URL) DEBUG=0 $(PY) -m bench.pages

# Ten times district scale (200,000 partners, 2,000,000 interactions …) on PostgreSQL, with the
# time of each phase and the database's size (not part of make test); see bench/data.py.
BIG_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/fengtai_bench_big
.PHONY: bench-data
bench-data: $(INSTALLED)
	psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='fengtai_bench_big'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE fengtai_bench_big"
	DATABASE_URL=$(BIG_DATABASE_URL) DEBUG=0 $(PY) -m bench.data

# The benchmark on that data set: gunicorn measured by wrk (Debian's package), then the reminder
# scan and worker, the import and the export; prints the tables and rewrites the generated
# parts of docs/BENCHMARKS.md (not part of make test).
.PHONY: bench
bench: bench-data
	command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
	DATABASE_URL=$(BIG_DATABASE_URL) DEBUG=0 $(PY) manage.py collectstatic --no-input --verbosity 0
	DATABASE_URL=$(BIG_DATABASE_URL) DEBUG=0 $(PY) -m bench.load
	DATABASE_URL=$(BIG_DATABASE_URL) DEBUG=0 $(PY) -m bench.operations
