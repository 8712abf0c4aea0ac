# Set-up and everyday commands. Everything the project needs is installed from here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed
CATALOGUES := $(wildcard proeftuin/translations/*/LC_MESSAGES/messages.po)
COMPILED   := $(CATALOGUES:.po=.mo)

.PHONY: install browser-packages bench-packages bench run test lint translations extract-messages update-messages clean

install: $(STAMP) $(COMPILED)

$(STAMP): pyproject.toml
	@echo "==> Creating the virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "==> Installing Proeftuin and its packages (about a minute the first time)"
	$(BIN)/python -m pip install --quiet --progress-bar on -e '.[test]'
	@echo "==> Installed"
	touch $(STAMP)

# Catalogues are compiled during set-up, never committed as binaries.
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

translations: $(COMPILED)

## run: the site with demo data on SQLite at http://127.0.0.1:$(PORT), and the worker that
## delivers its e-mail (kept in the development mailbox, /dev/mailbox)
run: install
	@echo "==> Bringing the database up to date"
	$(FLASK) db upgrade
	@echo "==> Loading the demo data (once)"
	$(FLASK) seed-demo --if-empty
	@echo ""
	@echo "==> Open http://127.0.0.1:$(PORT) in your browser; stop the site with Ctrl+C."
	@echo "    E-mail is not sent but kept: read it at http://127.0.0.1:$(PORT)/dev/mailbox"
	@export SITE_URL=http://127.0.0.1:$(PORT); \
	$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## test: ruff, then the whole suite on SQLite (with the browser tests) and, when
## TEST_DATABASE_URL is set, again on PostgreSQL; each pass runs on every core (WORKERS=auto)
WORKERS ?= auto
# --dist loadfile: a file's tests share a process (the every-page crawl reads what all its
# crawls reached)
PYTEST  := $(BIN)/pytest -n $(WORKERS) --dist loadfile
test: install
	$(BIN)/ruff check .
	@echo "== SQLite, with the browser tests"
	@start=$$(date +%s); env -u TEST_DATABASE_URL $(PYTEST); status=$$?; \
		echo "== SQLite pass: $$(( $$(date +%s) - start )) s"; exit $$status
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL, a database per worker (the browser tests serve their own SQLite)"; \
		start=$$(date +%s); $(PYTEST) -m "not browser"; status=$$?; \
		echo "== PostgreSQL pass: $$(( $$(date +%s) - start )) s"; exit $$status; \
	fi

## bench: 3,000 pilots, 300,000 case discussions and 100,000 lessons under gunicorn and wrk, on
## SQLite and (with BENCH_DATABASE_URL) PostgreSQL; figures beside their targets in docs/performance.md
bench: install bench-packages
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.run

## bench-packages: Debian's wrk, the load generator of `make bench` (needs root or sudo)
bench-packages:
	@command -v wrk >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk; }

## browser-packages: Debian's Chromium for the browser tests (needs root or sudo; never a download by Playwright)
browser-packages:
	@SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver

lint: install
	$(BIN)/ruff check .

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --ignore-dirs '.*' -o proeftuin/translations/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i proeftuin/translations/messages.pot -d proeftuin/translations --no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/python scripts/fill_source_catalogue.py proeftuin/translations/nl/LC_MESSAGES/messages.po

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find proeftuin/translations -name '*.mo' -delete
