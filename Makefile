# qbx: make install | make demo | make test (lint + types + tests; what CI runs)
SHELL := /bin/bash
PYTHON ?= python3
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: install demo test test-dates check lint format types pytest bench clean

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

# The suite with the machine's clock faked (tests/conftest.py --machine-now) at the last day of a
# month, 31 December and 29 February just before midnight UTC, and at night: no test may depend
# on the day or hour it runs. Multi-process tests (marked slow) run on the real clock in `test`.
MACHINE_NOWS := 2026-04-30T12:00:00+00:00 2026-12-31T23:59:50+00:00 2028-02-29T23:59:30+00:00 2027-01-31T03:30:00+00:00
test-dates: install
	@for now in $(MACHINE_NOWS); do echo "== machine clock $$now"; \
		$(UV) run pytest -q -m "not slow" --machine-now "$$now" || exit 1; done

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(UV) run python $$f || exit 1; done

clean:
	rm -rf .venv .tools .mypy_cache .pytest_cache .ruff_cache
