# Everything installs itself: `make demo` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# chromium: the web studio's browser tests (Playwright drives it, never downloads one).
APT_PACKAGES := ffmpeg redis-server chromium
# Installed without its dependencies: it pins protobuf<5, which the Google clients
# that apache-beam needs have outgrown; the emulator runs fine on the newer protobuf.
TASKS_EMULATOR := gcloud-tasks-emulator==0.6.2

.PHONY: setup system demo test unit lint typecheck schemas lock clean

setup: system $(STAMP)

system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Development gets the dev lock (the runtime lock plus tools); production artefacts only the
# runtime lock (Dockerfile, deploy/package-functions.sh).
$(STAMP): pyproject.toml requirements.lock requirements-dev.lock web/package-lock.json web/ivs-player.js
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.lock
	$(BIN)/python -m pip install -q --no-deps $(TASKS_EMULATOR)
	$(BIN)/python -m pip install -q --no-deps -e .
	npm ci --prefix web --ignore-scripts --no-audit --no-fund  # the pages' packages (docs/viewer-app.md)
	npm run --prefix web build  # the IVS Player, bundled (ADR 0018)
	touch $(STAMP)

# `make demo DEMO_ARGS=--browser`: the show goes live from the web studio in headless chromium.
DEMO_ARGS ?=
demo: setup
	$(BIN)/liveclips demo $(DEMO_ARGS)

test: setup lint typecheck iac
	$(BIN)/pytest -ra

unit: setup
	$(BIN)/pytest -q tests/unit

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

# checkov in its own venv (its pins clash with requirements.lock) over the Terraform,
# serverless.yml and the Dockerfile. Without a platform API key checkov knows no
# severities, so any failed check fails the build; each skip is justified inline.
IAC_VENV := .venv-iac
IAC_STAMP := $(IAC_VENV)/.installed

$(IAC_STAMP): requirements-iac.lock
	test -x $(IAC_VENV)/bin/python || $(PYTHON) -m venv $(IAC_VENV)
	$(IAC_VENV)/bin/python -m pip install -q --upgrade pip
	$(IAC_VENV)/bin/python -m pip install -q -r requirements-iac.lock
	touch $(IAC_STAMP)

.PHONY: iac
iac: $(IAC_STAMP)
	$(IAC_VENV)/bin/checkov --quiet --compact --skip-download --framework terraform -d terraform
	$(IAC_VENV)/bin/checkov --quiet --compact --skip-download --framework serverless dockerfile -f serverless.yml Dockerfile
	@if command -v terraform >/dev/null; then terraform fmt -check -recursive terraform; \
	else echo "terraform not installed: fmt check skipped"; fi

schemas: setup
	$(BIN)/python -m liveclips_dev.generate_schemas

# Re-resolve the pins after changing pyproject.toml dependencies, in a clean venv: first the
# runtime alone (requirements.lock), then the dev extra on top of exactly those pins
# (requirements-dev.lock: `-r requirements.lock` plus what only dev needs).
LOCK_VENV := /tmp/liveclips-lock
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install -q --upgrade pip
	$(LOCK_VENV)/bin/pip install -q -e .
	{ echo "# Runtime pins: what the deployables import (pyproject dependencies), resolved in a clean"; \
	  echo "# venv by \`make lock\`. The Dockerfile and the Cloud Functions bundle install exactly this."; \
	  $(LOCK_VENV)/bin/pip freeze --exclude-editable; } > requirements.lock
	$(LOCK_VENV)/bin/pip install -q -e '.[dev]' -c requirements.lock
	{ echo "# Dev pins: the runtime lock plus the dev extra (tests, linters, the local cloud's moto,"; \
	  echo "# the dev CLI, evaluation pictures, dashboards as code), by \`make lock\`. Never shipped."; \
	  echo "-r requirements.lock"; \
	  $(LOCK_VENV)/bin/pip freeze --exclude-editable | grep -v '^gcloud-tasks-emulator' \
	    | grep -vxFf <(grep -v '^#' requirements.lock); } > requirements-dev.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache out
