# gonghui: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PY := python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run dev test bench eval lint format install install-dev static messages system-deps pdf-deps db clean \
	cluster cluster-stop cluster-test cluster-load cluster-deps install-cluster

run: pdf-deps install static messages db
	@scripts/serve $(PORT)

dev: pdf-deps install static messages db
	$(BIN)/python manage.py worker --reload & \
	trap 'kill %1' EXIT; $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: system-deps pdf-deps install-dev static messages
	@scripts/with-throwaway-postgres scripts/check-and-test

bench: pdf-deps install-dev static messages
	@scripts/with-throwaway-postgres $(BIN)/python benchmarks/run.py

# Quality of triage, knowledge search and early warning on held-out real and replayed data.
eval: install-dev
	@scripts/with-throwaway-postgres $(BIN)/python -m benchmarks.evaluate

# A multi-node topology on loopback (docs/scaling.md): nginx, app nodes, task workers,
# PostgreSQL primary + streaming replica, pgbouncer. APPS=2 WORKERS=2 by default.
cluster: cluster-deps install-cluster static messages
	@$(BIN)/python scripts/cluster.py start

cluster-stop:
	@$(BIN)/python scripts/cluster.py stop

# Faults under load (node, worker and replica killed or paused), 1 vs 2 nodes, backup/restore.
cluster-test: cluster-deps install-cluster static messages
	@$(BIN)/python scripts/cluster_test.py

# The mixed load of worker and staff journeys (locust, DURATION=10m USERS=100).
cluster-load: cluster-deps install-cluster static messages
	@$(BIN)/python scripts/cluster_load.py

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format:
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# --- install steps (stamp files keep a second run fast) ---------------------

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install-cluster: $(VENV)/.installed-cluster
$(VENV)/.installed-cluster: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[cluster]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end packages are copied from npm into static/vendor, never committed. Swagger UI's
# CSS loses its source-map comment: the .map is not shipped, and collectstatic's manifest
# would refuse a reference to a missing file.
static: static/vendor/.built
static/vendor/.built: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts.min.js
	mkdir -p static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js static/vendor/swagger-ui/
	sed '/sourceMappingURL=/d' node_modules/swagger-ui-dist/swagger-ui.css > static/vendor/swagger-ui/swagger-ui.css
	touch $@

# Compiled translations are build output; gettext provides msgfmt.
messages: locale/en/LC_MESSAGES/django.mo
locale/en/LC_MESSAGES/django.mo: locale/en/LC_MESSAGES/django.po
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	msgfmt --check -o $@ $<

# Debian's chromium for browser tests and PostgreSQL server binaries, when absent.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# nginx and pgbouncer (and PostgreSQL, wrk) for the loopback cluster, when absent.
cluster-deps:
	@missing=""; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || missing="$$missing pgbouncer"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi; \
	for s in nginx pgbouncer; do systemctl stop $$s 2>/dev/null || service $$s stop >/dev/null 2>&1 || true; done

# WeasyPrint (station signs) needs pango, and Chinese text needs a CJK font.
pdf-deps:
	@missing=""; \
	ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

db: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py seed_demo --scale small --if-empty
	$(BIN)/python manage.py import_laws --if-empty
	$(BIN)/python manage.py train_triage --if-missing

clean:
	rm -rf $(VENV) node_modules static/vendor var/static
