# Linli: `make run` to serve, `make test` to test. Everything else is set up on the way.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LOCK   := requirements/constraints.txt
PORT   ?= 5000
export PORT

.PHONY: run test lint bench translations extract-messages install browser clean lock wheel-check topology-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev,prod]'
	touch $(STAMP)

# Refresh the tested versions: resolve afresh within pyproject.toml's bounds in a throw-away
# venv and write them to $(LOCK); then `make test` and commit the file.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e '.[dev,prod]'
	{ sed -n '/^#/p' $(LOCK); .lock-venv/bin/python -m pip freeze --exclude-editable \
		| grep -vi '^linli=='; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf .lock-venv

# Build the wheel, install it without dev extras into a clean venv, migrate and start it.
wheel-check: $(STAMP)
	deploy/check-wheel.sh $(PYTHON)

# The production topology of deploy/ on this machine (PostgreSQL, Redis, gunicorn behind a
# proxy, two huey consumers) and a smoke flow through it.
topology-check: translations
	$(BIN)/python deploy/topology_check.py

install: $(STAMP)

# Compiled only when a catalog changed, so two test runs side by side (.ci/run) never rewrite
# a catalog the other is reading.
CATALOGS := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
translations: $(CATALOGS:.po=.mo)

%.mo: %.po | $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@

run: translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	$(BIN)/python -m app.serve

# Browser tests drive Debian's chromium (Playwright's own download does not work offline);
# the Chinese font keeps screenshots from showing empty boxes and is embedded in certificates;
# poppler-utils renders certificates back to text and PNG in their tests.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi" \
			|| ! command -v pdftoppm >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium \
			fonts-wqy-microhei poppler-utils; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .

test: translations lint browser
	$(BIN)/pytest

# Benchmarks print tables; they are not part of the pass/fail test run. A missed target is
# marked in its table, and the other benchmarks still run.
bench: $(STAMP)
	-$(BIN)/python -m scheduling bench
	-$(BIN)/python -m scheduling.pairing bench
	-$(BIN)/python -m benchmarks.feeds
	-$(BIN)/python -m benchmarks.signup
	-$(BIN)/python -m benchmarks.public_page
	-$(BIN)/python -m benchmarks.ics_import
	-$(BIN)/python -m benchmarks.district
	-$(BIN)/python -m benchmarks.patrol_rota
	-$(BIN)/python -m benchmarks.reports
	-$(BIN)/python -m benchmarks.visits
	-$(BIN)/python -m benchmarks.hours

# For developers: refresh the catalogs after changing user-facing strings.
extract-messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-output -w 100 -F app/babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -N -w 100 --ignore-obsolete -i app/translations/messages.pot -d app/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
