# LSTM teaching suite: `make lab` opens the notebooks, `make test` runs every test.
# Needs only python3 (with venv) and GNU make; everything else goes into .venv.
# Exact versions come from requirements/lock.txt (pyproject.toml only declares ranges).

SHELL := /bin/bash
comma := ,
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check
LOCK   := requirements/lock.txt

# The floor check: a second environment with the oldest numpy pyproject.toml admits
# (requirements/floor.txt), running the core tests (picked by file) and, through them, the CLI.
FLOOR_VENV := .venv-floor
FLOOR_PY   := $(FLOOR_VENV)/bin/python
# Every file named here must exist: a missing one stops make (no silent $(wildcard) drop).
CORE_TESTS := $(patsubst %,tests/core/test_%.py,params variants bptt fast gru golden cli gradcheck checks rnn loss gradient_descent torch_reference gradient_descent_truncate_clip side_by_side softmax)
MISSING_CORE_TESTS := $(filter-out $(wildcard $(CORE_TESTS)),$(CORE_TESTS))

NOTEBOOKS  := $(wildcard notebooks/*.ipynb)
# Strict nbval (every stored output must match), only when notebooks exist.
# --nbval-current-env runs the notebooks with this venv's python.
NBVAL_ARGS := $(if $(NOTEBOOKS),tests --nbval --nbval-current-env notebooks/)
LAB_DIR    := $(if $(wildcard notebooks),notebooks/,.)
# Containers run as root; jupyter refuses that without --allow-root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help lab present test test-fast venv check-store bench clean

help:
	@echo "make lab    open the notebooks in JupyterLab (http://127.0.0.1:8888)"
	@echo "make present  classroom present mode: the lessons as apps for a projector (http://127.0.0.1:8866)"
	@echo "make test   run every test (unit tests + strict nbval on notebooks/ + the numpy floor check)"
	@echo "make test-fast  the fast loop: every test not marked slow, no nbval/browser/Binder/kernel matrix (.venv only)"
	@echo "make check-store  recompute all 560 runs of lesson 08's stored study (~11 min; make test recomputes a sample)"
	@echo "make venv   only make .venv (then: .venv/bin/python -m pytest tests/core/test_golden.py)"
	@echo "make bench  run benchmarks/*.py"
	@echo "make clean  remove .venv and caches"
	@echo "make site   build the lessons' static site from the stored notebooks (build/site/index.html)"

# A venv with a working pip, or none at all. On a Python without ensurepip (Debian's python3
# without python3-venv), `python3 -m venv` fails after it has made bin/python; a later run would
# then fail with "No module named pip". So a venv without pip is removed, made again, and if that
# fails too, removed with a message saying what to install. An existing venv with pip is kept.
%/.created:
	@if [ -x $*/bin/python ] && $*/bin/python -m pip --version >/dev/null 2>&1; then touch $@; exit 0; fi; \
	rm -rf $*; \
	echo "$(PYTHON) -m venv $*"; \
	if $(PYTHON) -m venv $* && $*/bin/python -m pip --version >/dev/null 2>&1; then touch $@; exit 0; fi; \
	rm -rf $*; \
	echo "" >&2; \
	echo "Could not make a virtual environment with pip in $* using '$(PYTHON)'." >&2; \
	echo "The half-made $* has been removed. Your Python lacks venv/ensurepip: install it, then run make again." >&2; \
	echo "  Debian/Ubuntu:  sudo apt install python3-venv   (or python3.X-venv for your python3.X)" >&2; \
	echo "  Fedora:         sudo dnf install python3-pip" >&2; \
	echo "Or name another Python: make $(MAKECMDGOALS) PYTHON=/path/to/python3.11" >&2; \
	exit 1

# --- which Python ---------------------------------------------------------------------------------------
# The lock needs Python 3.11 or newer (3.10 has no wheel of the locked numpy: pip's ResolutionImpossible);
# tested: 3.11, 3.12, 3.13. Both checks run when make reads this file, before any rule:
# 1. a too old PYTHON stops make with a plain message (before a venv is made or installed into);
# 2. a venv made by another interpreter than PYTHON names now (a 3.10 .venv, then `make lab PYTHON=python3.11`)
#    is removed, and the rules below make it again.
MIN_PYTHON     := 3.11
TESTED_PYTHONS := 3.11 3.12 3.13
SITE_VENV      := .venv-site
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)
PYTHON_TOO_OLD := $(shell $(PYTHON) -c 'import sys; print(int(sys.version_info[:2] < ($(subst .,$(comma),$(MIN_PYTHON)))))' 2>/dev/null)
ifeq ($(PYTHON_TOO_OLD),1)
ifneq ($(filter-out help clean,$(or $(MAKECMDGOALS),help)),)
$(info )
$(info This suite needs Python $(MIN_PYTHON) or newer (tested: $(TESTED_PYTHONS)); '$(PYTHON)' is Python $(PYTHON_VERSION).)
$(info Install a newer Python and name it:   make $(or $(MAKECMDGOALS),lab) PYTHON=python3.12)
$(info $()  Ubuntu 22.04:  sudo apt install python3.11 python3.11-venv   (then PYTHON=python3.11))
$(info $()  Windows, macOS: https://www.python.org/downloads/ (and README's "Without make"))
$(error Python $(PYTHON_VERSION) is too old)
endif
endif
STALE_VENVS := $(if $(PYTHON_VERSION),$(shell for v in $(VENV) $(FLOOR_VENV) $(SITE_VENV); do \
	[ -x $$v/bin/python ] || continue; \
	have=$$($$v/bin/python -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null); \
	if [ -n "$$have" ] && [ "$$have" != "$(PYTHON_VERSION)" ]; then echo "$$v=$$have"; fi; done))
$(foreach v,$(STALE_VENVS),$(info $(firstword $(subst =, ,$(v))) was made with Python $(lastword $(subst =, ,$(v))), $(PYTHON) is Python $(PYTHON_VERSION): making it again)$(shell rm -rf $(firstword $(subst =, ,$(v)))))
ifneq ($(PYTHON_VERSION),)
ifeq ($(PYTHON_TOO_OLD)$(filter $(basename $(PYTHON_VERSION)),$(TESTED_PYTHONS)),0)
$(info Note: Python $(PYTHON_VERSION) is not one of the tested ones ($(TESTED_PYTHONS)); trying it.)
endif
endif

# Stamp files: pip runs again only when pyproject.toml or the lock changes (or .venv is new).
# lab: the lessons' packages, every version taken from the lock (-c).
$(VENV)/.installed-lab: pyproject.toml $(LOCK) | $(VENV)/.created
	$(PIP) install -c $(LOCK) -e '.[lab]'
	touch $@

# test: the whole lock, and lstm_core from the checkout (pip checks the lock against pyproject's ranges).
$(VENV)/.installed-test: pyproject.toml $(LOCK) | $(VENV)/.created
	$(PIP) install -r $(LOCK) -e '.[lab,test]'
	touch $@ $(VENV)/.installed-lab

# The floor environment runs lstm_core from the checkout (python -m pytest puts it on sys.path).
$(FLOOR_VENV)/.installed: requirements/floor.txt | $(FLOOR_VENV)/.created
	$(FLOOR_PY) -m pip --disable-pip-version-check install -r requirements/floor.txt
	touch $@

lab: $(VENV)/.installed-lab
	$(VENV)/bin/jupyter lab $(LAB_DIR) --ServerApp.ip=127.0.0.1 $(ALLOW_ROOT)

# Classroom present mode: Voilà shows each lesson's text, equations and explorers without
# code, with the projector template of present/ (found through JUPYTER_PATH).
PRESENT_PORT ?= 8866
present: $(VENV)/.installed-lab
	JUPYTER_PATH="$(CURDIR)/present$${JUPYTER_PATH:+:$$JUPYTER_PATH}" \
	$(VENV)/bin/voila $(LAB_DIR) --template=present --theme=light \
		--Voila.ip=127.0.0.1 --port=$(PRESENT_PORT) --no-browser

# pytest-xdist: -n auto starts one worker per CPU, and one more for the full run, whose browser and Binder
# tests wait on pages and pip (tests/conftest.py; TEST_WORKERS=1 for one process); --dist loadfile keeps a file on one
# worker, so a notebook's nbval cells run in order in one kernel and a module's server or venv is built once.
# --no-loadscope-reorder: files go out in the order tests/conftest.py gives them (those with a slow test
# first), not xdist's by number of tests, which sent the few-test, long files (the Binder venv) last.
TEST_WORKERS ?= auto

# The main run also repeats the golden and CLI tests under every OpenBLAS kernel this CPU can
# run, with both environments (tests/core/test_blas_kernels.py; LSTM_FLOOR_PYTHON names the floor's).
test: $(VENV)/.installed-test $(FLOOR_VENV)/.installed
	@if [ -n "$(MISSING_CORE_TESTS)" ]; then echo "Makefile: CORE_TESTS names files that do not exist: $(MISSING_CORE_TESTS)" >&2; exit 1; fi
	LSTM_FLOOR_PYTHON=$(CURDIR)/$(FLOOR_PY) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(NBVAL_ARGS)
	@echo "== floor check: core tests with numpy $$($(FLOOR_PY) -c 'import numpy; print(numpy.__version__)') ($(FLOOR_VENV), requirements/floor.txt)"
	$(FLOOR_PY) -m pytest -p no:cacheprovider $(CORE_TESTS)

# The fast loop: `pytest -m "not slow"` needs only .venv (no .venv-floor, no nbval, no browser,
# no Binder venv, no kernel matrix: those are marked slow). `make test` still runs everything.
test-fast: $(VENV)/.installed-test
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not slow" -p no:nbval

venv: $(VENV)/.installed-test

# Lesson 08's store (lstm_core/data/l08_study.npz) recomputed, all 560 runs (~11 min on one core): run it after
# any change to the plain path or to lesson 08's trainings. `make test` recomputes one run of every model at every task.
check-store: $(VENV)/.installed-test
	LSTM_CHECK_STORE=1 $(PY) -m pytest -p no:nbval -p no:cacheprovider tests/lessons/test_l08_store.py -k test_the_stored_runs_are_what_the_code_computes

bench: $(VENV)/.installed-test
	@if [ ! -d benchmarks ]; then echo "no benchmarks/ yet"; exit 0; fi; \
	for f in benchmarks/*.py; do \
		[ -e "$$f" ] || continue; \
		echo "== $$f"; \
		$(PY) "$$f" || exit 1; \
	done

# --- the site -------------------------------------------------------------------------------------------
# The lessons as web pages, from the stored notebooks (never executed): Sphinx + MyST-NB in a venv of its
# own from requirements/site.txt; MathJax from site/package-lock.json (needs npm). tools/build_site.py.
SITE_PY   := $(SITE_VENV)/bin/python
SITE_LOCK := requirements/site.txt
.PHONY: site
$(SITE_VENV)/.installed: $(SITE_LOCK) | $(SITE_VENV)/.created
	$(SITE_PY) -m pip --disable-pip-version-check install -r $(SITE_LOCK)
	touch $@

site: $(SITE_VENV)/.installed
	$(SITE_PY) tools/build_site.py

# make test builds the site too: tests/browser/test_site.py builds it with this venv and reads every page.
test: $(SITE_VENV)/.installed
test: export LSTM_SITE_PYTHON = $(CURDIR)/$(SITE_PY)

clean:
	rm -rf $(VENV) $(FLOOR_VENV) $(SITE_VENV) .pytest_cache .hypothesis build *.egg-info
