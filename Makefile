# Slate — the two commands: `make run` and `make test`.
# Everything a fresh machine lacks is installed here (virtualenv, Python packages, ffmpeg).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SLATE_HOST ?= 127.0.0.1
SLATE_PORT ?= 8000
export SLATE_HOST SLATE_PORT
export SLATE_SHARED_DATA ?= $(abspath ../shared/data)
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: run test install ffmpeg migrate demo check-deploy clean-var

## install: virtualenv + pinned requirements + ffmpeg/ffprobe
install: $(VENV)/.installed ffmpeg

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

ffmpeg:
	@if command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1; then \
		echo "Installing ffmpeg from the OS packages…"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq ffmpeg >/dev/null; \
	else \
		echo "ffmpeg and ffprobe are needed: install them with your package manager." >&2; exit 1; \
	fi

## run: migrate, load the demo production, start redis + web + worker (honcho), print URL and login
run: export DEBUG ?= true
run: install
	@test -f .env || { printf '# Local development settings written by `make run` (see .env.example).\nDEBUG=true\n' > .env; echo "Wrote .env (DEBUG=true) for local development."; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo > var/demo.txt || { cat var/demo.txt; exit 1; }
	@grep -vE '^(user|password): ' var/demo.txt
	@echo
	@echo "Slate is starting at http://$(SLATE_HOST):$(SLATE_PORT)/"
	@grep -E '^(user|password): ' var/demo.txt
	@echo
	exec $(VENV)/bin/honcho -f Procfile start

## test: the whole suite (unit, API, WebSocket, end-to-end with real processes)
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

## check-deploy: Django's deployment checklist with production-style settings
check-deploy: install
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') ALLOWED_HOSTS=slate.example.com \
		CSRF_TRUSTED_ORIGINS=https://slate.example.com $(PY) manage.py check --deploy --fail-level WARNING

clean-var:
	rm -rf var
