# Slate — the two commands: `make run` and `make test`.
# Everything a fresh machine lacks is installed here (virtualenv, Python packages, ffmpeg).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SLATE_HOST ?= 127.0.0.1
SLATE_PORT ?= 8000
export SLATE_HOST SLATE_PORT
# SLATE_WEB_PROCESSES=1: the web process itself serves SLATE_HOST:SLATE_PORT. More: they listen on
# 127.0.0.1:SLATE_PORT+1… and nginx (deploy/nginx/) serves SLATE_HOST:SLATE_PORT in front of them and sends
# protected media itself (X-Accel-Redirect). supervisord.conf reads the four variables below.
SLATE_WEB_PROCESSES ?= 1
ifeq ($(SLATE_WEB_PROCESSES),1)
SLATE_WEB_HOST := $(SLATE_HOST)
SLATE_WEB_PORT := $(SLATE_PORT)
SLATE_NGINX := false
else
SLATE_WEB_HOST := 127.0.0.1
SLATE_WEB_PORT := $(shell echo $$(( $(SLATE_PORT) + 1 )))
SLATE_NGINX := true
export SLATE_MEDIA_ACCEL_REDIRECT := /_protected/
endif
export SLATE_WEB_PROCESSES SLATE_WEB_HOST SLATE_WEB_PORT SLATE_NGINX
export SLATE_SHARED_DATA ?= $(abspath ../shared/data)
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: run test bench-media bench-live bench-web install ffmpeg nginx chromium prometheus poppler afterwriting node frontend frontend-check frontend-budget migrate demo check-deploy clean-var

## install: virtualenv + pinned requirements + ffmpeg/ffprobe + the frontend's packages
install: $(VENV)/.installed ffmpeg frontend/node_modules/.installed

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

ffmpeg:
	@if command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 \
		&& [ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ]; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1; then \
		echo "Installing ffmpeg and the DejaVu fonts (selects-reel slate lines) from the OS packages…"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq ffmpeg fonts-dejavu-core >/dev/null; \
	else \
		echo "ffmpeg and ffprobe are needed: install them with your package manager." >&2; exit 1; \
	fi

## nginx: Debian's nginx (the binary only: `make run` starts its own, unprivileged, when SLATE_WEB_PROCESSES > 1)
nginx:
	@if [ -x /usr/sbin/nginx ]; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1; then \
		echo "Installing nginx from the OS packages (the proxy in front of several web processes)…"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx >/dev/null; \
	else \
		echo "nginx is needed at /usr/sbin/nginx for SLATE_WEB_PROCESSES > 1 and the tests: install it with your package manager." >&2; exit 1; \
	fi

node:
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
		echo "Node.js 20.19+ and npm are needed for the frontend (https://nodejs.org or your package manager)." >&2; exit 1; }

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json | node
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## frontend: build the React app into static/app/ (served by Django at /)
frontend: frontend/node_modules/.installed
	cd frontend && npx vite build --logLevel warn

## frontend-check: type-check (tsc), lint (ESLint) and unit tests (Vitest)
frontend-check: frontend/node_modules/.installed
	cd frontend && npx tsc -b && npx eslint . --max-warnings 0 && npx vitest run

## frontend-budget: the performance budget: each page's first load (JS and CSS, KiB gzipped) of the build in static/app/
## within its budget (frontend/scripts/check_budget.mjs; docs/performance.md)
frontend-budget: frontend
	cd frontend && node scripts/check_budget.mjs

chromium:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium from the OS packages (for the browser tests)…"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Chromium at /usr/bin/chromium." >&2; exit 1; \
	fi

## poppler: Debian's poppler-utils (pdftotext: the tests read the daily reports' PDFs as text)
poppler:
	@if [ -x /usr/bin/pdftotext ]; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1; then \
		echo "Installing poppler-utils from the OS packages (pdftotext, for the report tests)…"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq poppler-utils >/dev/null; \
	else \
		echo "The report tests need pdftotext (poppler-utils) at /usr/bin/pdftotext." >&2; exit 1; \
	fi

## afterwriting: afterwriting's command line (npm, pinned in tests/tools/afterwriting/), a second renderer of Fountain
## to PDF for the PDF import's tests (tests/scripts/test_pdf_import.py); its install scripts are not run (none is needed)
afterwriting: tests/tools/afterwriting/node_modules/.installed

tests/tools/afterwriting/node_modules/.installed: tests/tools/afterwriting/package.json tests/tools/afterwriting/package-lock.json | node
	cd tests/tools/afterwriting && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

## prometheus: Debian's prometheus and promtool (the test that scrapes a running stack, the rules' check)
prometheus:
	@if [ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ]; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Prometheus from the OS packages (for the metrics tests)…"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends prometheus >/dev/null; \
	else \
		echo "The metrics tests need Prometheus at /usr/bin/prometheus and /usr/bin/promtool." >&2; exit 1; \
	fi

## run: migrate, load the demo production, start redis + web + worker (supervisord: restarted when one dies;
## Ctrl-C stops them all), print URL and login. SLATE_WEB_PROCESSES=N (N > 1): N web processes behind nginx
run: export DEBUG ?= true
# Every process's metrics go to one folder (prometheus-client's multiprocess mode), emptied below before they start.
run: export PROMETHEUS_MULTIPROC_DIR ?= $(abspath var/metrics)
run: install frontend $(if $(filter true,$(SLATE_NGINX)),nginx)
	@case "$(SLATE_WEB_PROCESSES)" in ''|*[!0-9]*|0) echo "SLATE_WEB_PROCESSES must be a whole number from 1 up, not '$(SLATE_WEB_PROCESSES)'." >&2; exit 1;; esac
	@mkdir -p var
	@test -f .env || { printf '# Local development settings written by `make run` (see .env.example).\nDEBUG=true\n' > .env; echo "Wrote .env (DEBUG=true) for local development."; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo > var/demo.txt || { cat var/demo.txt; exit 1; }
	@grep -vE '^(user|password): ' var/demo.txt
	@echo
	@if [ "$(SLATE_NGINX)" = true ]; then \
		$(PY) manage.py nginx_conf --dir var/nginx --listen $(SLATE_HOST):$(SLATE_PORT) --web-host $(SLATE_WEB_HOST) \
			--web-port $(SLATE_WEB_PORT) --processes $(SLATE_WEB_PROCESSES) --check; fi
	@echo "Slate is starting at http://$(SLATE_HOST):$(SLATE_PORT)/$(if $(filter true,$(SLATE_NGINX)), (nginx in front of $(SLATE_WEB_PROCESSES) web processes))"
	@grep -E '^(user|password): ' var/demo.txt
	@echo
	@mkdir -p "$(PROMETHEUS_MULTIPROC_DIR)" && rm -f "$(PROMETHEUS_MULTIPROC_DIR)"/*.db
	exec $(VENV)/bin/supervisord -c supervisord.conf

## test: the whole suite: frontend checks and unit tests, the build's performance budget, then Python: the tests outside
## tests/e2e (unit, API, WebSocket, real ffmpeg, nginx, Prometheus) in TEST_WORKERS processes (pytest-xdist: each has its
## own database, Redis namespace and media folder, tests/settings.py), then tests/e2e (the stack and the browser tests in
## Chromium against the built app) in one, alone on the machine
TEST_WORKERS ?= 2
test: install nginx chromium prometheus poppler afterwriting frontend-check frontend frontend-budget
	$(PY) -m pytest tests --ignore=tests/e2e -n $(TEST_WORKERS) --durations=20 $(PYTEST_ARGS)
	$(PY) -m pytest tests/e2e --durations=20 $(PYTEST_ARGS)

## bench-media: the proxy's speed (× real time) and Slate's overhead over the bare ffmpeg command, per shared clip
bench-media: install
	DEBUG=true $(PY) manage.py bench_media $(BENCH_ARGS)

## bench-live: live fan-out: N member sockets (default 100 and 1,000) get scene PATCHes (5/s, 20 s) from the real stack,
## beside a bare websockets broadcast server: latency, loss, HTTP time, connect storm, RSS, replay (docs/performance.md)
bench-live: install
	DEBUG=true $(PY) manage.py bench_live $(BENCH_ARGS)

## bench-web: Lighthouse (mobile and desktop presets, median of 5 runs) on the scene board, a scene page and the dashboard,
## served as `make run` serves them (demo data, signed in): performance, accessibility, LCP, TBT, JS bytes (docs/performance.md)
bench-web: install chromium frontend
	DEBUG=true $(PY) manage.py bench_web $(BENCH_ARGS)

## check-deploy: Django's deployment checklist with production-style settings
check-deploy: install
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') ALLOWED_HOSTS=slate.example.com \
		CSRF_TRUSTED_ORIGINS=https://slate.example.com $(PY) manage.py check --deploy --fail-level WARNING

clean-var:
	rm -rf var
