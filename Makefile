# Seatwise: `make run` starts the portal with demo data, `make test` runs every gate.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: help install run test lint migrate demo bench messages clean

help:
	@echo "make run    install, migrate, load demo data, serve http://127.0.0.1:$(PORT) with a worker and beat"
	@echo "make test   every gate: ruff, import contracts, migrations check, pytest with coverage"
	@echo "make bench  benchmarks under bench/ (needs PostgreSQL, see bench/README.md)"

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Seatwise needs Python 3.11 or newer on PATH."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py demo_data

run: demo
	$(BIN)/python tools/devserver.py --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py check --fail-level WARNING

test: lint
	$(BIN)/pytest --cov --cov-report=term:skip-covered

bench: install
	$(BIN)/python bench/catalog_api.py
	$(BIN)/python bench/checkout.py

messages: install
	cd seatwise && ../$(BIN)/python ../manage.py makemessages -l uk --ignore=tests
	@echo "Translate the new entries in seatwise/locale/uk/LC_MESSAGES/django.po, then:"
	@echo "  cd seatwise && ../$(BIN)/python ../manage.py compilemessages"

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .coverage
