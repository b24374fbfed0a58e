# Post Mall — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo install compile-translations db test browser-deps lint i18n bench migration clean

# Card payments run in Stripe's test mode against localstripe (a fake Stripe from PyPI),
# started here on 127.0.0.1:$STRIPE_PORT (default 8420) and stopped when `flask run` ends;
# if it cannot start, the card option is simply not offered. Its platform balance gets
# 1,000,000 EUR of settled funds, so that the demo can pay posts by Stripe transfer for past
# orders (their charges long settled, as they would be at Stripe).
demo: db ## install, build and fill the database, serve the mall on port $(PORT)
	@echo "Portal:      http://stamps.post.localhost:$(PORT)"
	@echo "Storefronts: http://stamps.uy.post.localhost:$(PORT)  (also nl, kh, ug, bw, tz)"
	@stripe_base="http://127.0.0.1:$${STRIPE_PORT:-8420}"; secret="whsec_postmall_demo"; \
	hook="http://stamps.post.localhost:$(PORT)/webhooks/stripe"; \
	$(BIN)/python -m tests.support.localstripe_server --port "$${STRIPE_PORT:-8420}" --quiet & \
	stripe_pid=$$!; \
	trap 'kill $$stripe_pid 2>/dev/null; wait $$stripe_pid 2>/dev/null' EXIT INT TERM; \
	ready=; for attempt in $$(seq 50); do \
	  $(BIN)/python -c 'import sys, urllib.parse as p, urllib.request as u; \
	    u.build_opener(u.ProxyHandler({})).open(sys.argv[1], \
	    p.urlencode({"url": sys.argv[2], "secret": sys.argv[3]}).encode(), timeout=2)' \
	    "$$stripe_base/_config/webhooks/demo" "$$hook" "$$secret" 2>/dev/null \
	    && ready=1 && break; \
	  kill -0 $$stripe_pid 2>/dev/null || break; sleep 0.2; \
	done; \
	if [ -n "$$ready" ]; then \
	  echo "Cards:       Stripe TEST MODE against localstripe on $$stripe_base (no real money)"; \
	  $(BIN)/python -c 'import sys, urllib.parse as p, urllib.request as u; \
	    u.build_opener(u.ProxyHandler({})).open(sys.argv[1], \
	    p.urlencode({"currency": "eur", "amount": "100000000"}).encode(), timeout=2)' \
	    "$$stripe_base/_config/balance" >/dev/null 2>&1 || true; \
	  export MALL_STRIPE_SECRET_KEY=sk_test_postmall_demo MALL_STRIPE_API_BASE="$$stripe_base" \
	         MALL_STRIPE_WEBHOOK_SECRET="$$secret"; \
	else \
	  echo "Cards:       localstripe did not start, so card payments are hidden"; \
	fi; \
	MALL_PUBLIC_PORT="$${MALL_PUBLIC_PORT-$(PORT)}" $(FLASK) run --host 127.0.0.1 --port $(PORT)

install: $(STAMP) compile-translations

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

compile-translations: $(STAMP)
	$(BIN)/pybabel compile -d translations

db: install ## migrate the schema, then load the demo posts (idempotent)
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) mall seed-demo

test: install browser-deps ## the whole suite
	$(BIN)/pytest $(PYTEST_ARGS)

browser-deps: ## Debian's Chromium for the browser tests, when we may install it
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	      || echo "Could not install Chromium: browser tests will be skipped."; \
	  else echo "No $(CHROMIUM) and no root: browser tests will be skipped."; fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .

i18n: $(STAMP) ## extract messages, update every catalogue, compile
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-by-file \
	  --add-comments TRANSLATORS: -o translations/messages.pot --project "Post Mall" .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d translations

# The load test (bench/load.py): SQLite and PostgreSQL (BENCH_POSTGRES_URL, default the
# `bench` database on 127.0.0.1:5432, recreated; skipped if unreachable), 1k and 10k issues
# (BENCH_FULL=1 adds 200k), gunicorn in production mode loaded by wrk. About 14 minutes
# (22 with 200k) on a quiet 2-core machine.
bench: install ## load test: one table per database and scale, written to bench/results/
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) \
	      || echo "Could not install wrk: no load test."; \
	  else echo "No wrk and no root to install it (apt-get install wrk): no load test."; fi; \
	fi
	$(BIN)/python -m bench $(BENCH_ARGS)

migration: $(STAMP) ## a new dated migration from model changes: make migration m="what changed"
	$(FLASK) db migrate -m "$(m)"

clean:
	rm -rf $(VENV) instance/*.sqlite3 translations/*/LC_MESSAGES/*.mo
