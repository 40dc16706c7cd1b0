# qbx: make install | make demo | make test (lint + types + tests; what CI runs)
SHELL := /bin/bash
PYTHON ?= python3
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: install demo test check lint format types pytest bench clean

install: .venv/.installed

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet 'uv==0.13.8'

.venv/.installed: pyproject.toml uv.lock $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen
	@touch $@

demo: install
	$(UV) run qbx demo

test: check pytest

check: lint types

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .

format: install
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

types: install
	$(UV) run mypy

pytest: install
	$(UV) run pytest

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(UV) run python $$f || exit 1; done

clean:
	rm -rf .venv .tools .mypy_cache .pytest_cache .ruff_cache
