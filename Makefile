# Developer entry points. Every target creates .venv when it is missing and
# installs the project once per change of pyproject.toml.
#
# `make demo` and `make up` pass ARGS to the command, for example
#   make demo ARGS="--data-dir /tmp/x --kafka-port 29092"
#   make up ARGS="--http-base-port 9081"
# (`micromentor demo --help` and `micromentor up --help` list the options.)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=
# Stamps carry a hash of pyproject.toml: pip runs again only when it changed.
DEPS_KEY := $(shell $(PYTHON) -c "import hashlib; print(hashlib.sha256(open('pyproject.toml', 'rb').read()).hexdigest()[:16])")
STAMP = $(VENV)/.installed-$(1)-$(DEPS_KEY)

.PHONY: demo up compose-up compose-down test lint format docs bench

demo: $(call STAMP,embedded)
	$(VENV)/bin/micromentor demo $(ARGS)

up: $(call STAMP,embedded)
	$(VENV)/bin/micromentor up $(ARGS)

compose-up:
	docker compose up --build --detach --wait

compose-down:
	docker compose down

test: $(call STAMP,test)
	$(PY) -m pytest -q -p no:cacheprovider --durations=10

lint: $(call STAMP,test)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(call STAMP,test)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

docs: $(call STAMP,test)
	$(PY) tools/generate_docs.py

bench: $(call STAMP,bench)
	$(PY) -m bench.run

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-%-$(DEPS_KEY): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[$*]'
	rm -f $(VENV)/.installed-$*-*
	touch $@
