# reportgen — `make help` lists the targets.
# The newest Python 3.11+ on the PATH that runs; `make PYTHON=/path/to/python3.12 run` picks another.
NEED_PYTHON := import sys; sys.exit(sys.version_info < (3, 11))
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in python3.13 python3.12 python3.11 python3; do \
  $$p -c "$(NEED_PYTHON)" 2>/dev/null && { echo $$p; exit; }; done; echo python3)
endif
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SYSTEM_LIBS := pango-1.0 pangoft2-1.0 harfbuzz-subset
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

.DEFAULT_GOAL := help
.PHONY: help python sysdeps install run test lint bench docs commands sample clean

help: ## List the targets with what they do
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

python: ## Check that a Python 3.11 or newer is there, and that .venv was made by one
	@if ! $(PYTHON) -c "$(NEED_PYTHON)" 2>/dev/null; then \
	  echo "reportgen needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) -c 'import platform; print(platform.python_version())' 2>/dev/null || echo 'not there')."; \
	  echo "  Windows: install it from https://www.python.org/downloads/ (tick \"Add python.exe to PATH\"), or: winget install Python.Python.3.12"; \
	  echo "  macOS:   brew install python@3.12   (or the installer from python.org)"; \
	  echo "  Linux:   sudo apt-get install python3.12 python3.12-venv   (Fedora: sudo dnf install python3.12)"; \
	  echo "Then run make again, or name it: make PYTHON=python3.12 run"; \
	  exit 1; \
	fi
	@if [ -e $(VENV) ] && ! $(BIN)/python -c "$(NEED_PYTHON)" 2>/dev/null; then \
	  echo "$(VENV) was made by an older or missing Python; making it again with $(PYTHON)"; \
	  rm -rf $(VENV); \
	fi

sysdeps: ## Check (and as root on Debian/Ubuntu install) the libraries WeasyPrint needs
	@if $(PYTHON) -c "import ctypes.util, sys; sys.exit(not all(ctypes.util.find_library(n) for n in '$(SYSTEM_LIBS)'.split()))"; then \
	  echo "system libraries: ok (Pango, HarfBuzz subset)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing $(DEBIAN_PACKAGES) with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES); \
	else \
	  echo "WeasyPrint needs Pango and HarfBuzz's subset library. Install them, then run make again:"; \
	  echo "  Debian/Ubuntu: sudo apt-get install $(DEBIAN_PACKAGES)"; \
	  echo "  Fedora:        sudo dnf install pango harfbuzz"; \
	  echo "  macOS:         brew install pango harfbuzz"; \
	  exit 1; \
	fi

$(STAMP): pyproject.toml
	$(MAKE) sysdeps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: python ## Create .venv with reportgen and its test tools
	@# A sub-make, so that a .venv just removed by `python` is seen as missing.
	@$(MAKE) --no-print-directory $(STAMP)

run: install ## Build the reports of the bundled sample into reports/ (one row is invalid on purpose)
	$(BIN)/reportgen demo reports
	@echo ""
	@echo "reportgen is installed in $(VENV)/. To run it in this terminal, first:  source $(VENV)/bin/activate"
	@echo "  (again in each new terminal), then: reportgen --help"
	@echo "or type its path instead:  $(BIN)/reportgen --help"

lint: install ## Ruff (lint and format) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint ## Lint, type-check and run the whole test suite
	$(BIN)/pytest -q

bench: install ## Measure build speed on a generated 300-leader export against naive baselines
	$(BIN)/python bench/run.py

docs: install ## Render the sample's first report to PNG pages under docs/
	@command -v pdftoppm >/dev/null || { echo "needs pdftoppm: sudo apt-get install poppler-utils"; exit 1; }
	$(BIN)/reportgen build sample_data/survey.xlsx -o build/docs-da --date 2026-11-27 --quiet --lang da || [ $$? -eq 1 ]
	$(BIN)/reportgen build sample_data/survey.xlsx -o build/docs-en --date 2026-11-27 --quiet --lang en || [ $$? -eq 1 ]
	mkdir -p docs
	pdftoppm -png -r 60 build/docs-da/02-soren-ostergaard.pdf docs/report-da
	pdftoppm -png -r 60 build/docs-en/02-soren-ostergaard.pdf docs/report-en

commands: install ## Rewrite docs/commands.md (every command's --help) after an option changed
	REPORTGEN_UPDATE_DOCS=1 $(BIN)/pytest -q tests/test_docs.py

sample: install ## Regenerate sample_data/survey.xlsx from its seeded script
	$(BIN)/python sample_data/make_sample.py

clean: ## Remove .venv, reports/ and caches
	rm -rf $(VENV) reports build .pytest_cache .mypy_cache .ruff_cache
