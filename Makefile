# LSTM teaching suite: `make lab` opens the notebooks, `make test` runs every test.
# Needs only python3 (with venv) and GNU make; everything else goes into .venv.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check

NOTEBOOKS  := $(wildcard notebooks/*.ipynb)
# Strict nbval (every stored output must match), only when notebooks exist.
# --nbval-current-env runs the notebooks with this venv's python.
NBVAL_ARGS := $(if $(NOTEBOOKS),tests --nbval --nbval-current-env notebooks/)
LAB_DIR    := $(if $(wildcard notebooks),notebooks/,.)
# Containers run as root; jupyter refuses that without --allow-root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help lab present test bench clean

help:
	@echo "make lab    open the notebooks in JupyterLab (http://127.0.0.1:8888)"
	@echo "make present  classroom present mode: the lessons as apps for a projector (http://127.0.0.1:8866)"
	@echo "make test   run every test (unit tests + strict nbval on notebooks/)"
	@echo "make bench  run benchmarks/*.py"
	@echo "make clean  remove .venv and caches"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Stamp files: pip runs again only when pyproject.toml changes (or .venv is new).
$(VENV)/.installed-lab: pyproject.toml | $(PY)
	$(PIP) install -e '.[lab]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) install -e '.[lab,test]'
	touch $@ $(VENV)/.installed-lab

lab: $(VENV)/.installed-lab
	$(VENV)/bin/jupyter lab $(LAB_DIR) --ServerApp.ip=127.0.0.1 $(ALLOW_ROOT)

# Classroom present mode: Voilà shows each lesson's text, equations and explorers without
# code, with the projector template of present/ (found through JUPYTER_PATH).
PRESENT_PORT ?= 8866
present: $(VENV)/.installed-lab
	JUPYTER_PATH="$(CURDIR)/present$${JUPYTER_PATH:+:$$JUPYTER_PATH}" \
	$(VENV)/bin/voila $(LAB_DIR) --template=present --theme=light \
		--Voila.ip=127.0.0.1 --port=$(PRESENT_PORT) --no-browser

test: $(VENV)/.installed-test
	$(PY) -m pytest $(NBVAL_ARGS)

bench: $(VENV)/.installed-test
	@if [ ! -d benchmarks ]; then echo "no benchmarks/ yet"; exit 0; fi; \
	for f in benchmarks/*.py; do \
		[ -e "$$f" ] || continue; \
		echo "== $$f"; \
		$(PY) "$$f" || exit 1; \
	done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
