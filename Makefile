# Data Visualization with Deep Learning — the course's commands. `make help` lists them.
# Everything runs inside .venv, created on first use from requirements.txt (Python 3.11).

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LAB_ARGS ?=
NB     ?= $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
export PATH := $(CURDIR)/$(BIN):$(PATH)
# Jupyter refuses to run as root unless told; classroom containers often run as root.
ROOT_OK := $(if $(filter 0,$(shell id -u 2>/dev/null)),--ServerApp.allow_root=True)

.DEFAULT_GOAL := help
.PHONY: help setup browser lab test test-fast outputs lint format bench student clean classroom-setup classroom

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt -e .
	@# No "Jupyter news?" pop-up and no update checks in the course's JupyterLab (offline rooms).
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@cp tools/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the course (skipped when nothing changed)

browser:  ## install Debian's chromium for the browser tests (may use sudo apt-get; never fails, says why)
	@tools/install_browser.sh

# Opens notebook 00 (the course index and syllabus), from the repository root so that the notebooks' links
# to README.md and docs/ work. JUPYTER_PREFER_ENV_PATH: this environment's `python3` kernel wins over a
# kernel of the same name in the user's home, so the notebooks run where the course is installed.
lab: setup  ## open the course in JupyterLab at notebook 00 (localhost only)
	JUPYTER_PREFER_ENV_PATH=1 $(BIN)/jupyter lab notebooks/00_setup.ipynb --ServerApp.ip=127.0.0.1 \
		--ServerApp.root_dir=. --LabApp.news_url=None $(ROOT_OK) $(LAB_ARGS)

test: setup  ## lint, unit tests, every notebook under strict nbval, then the browser tests (if a browser is there)
	$(BIN)/ruff check .
	$(BIN)/pytest

test-fast: setup  ## unit tests, without the slow (training, TensorBoard), browser and classroom ones
	$(BIN)/pytest tests -m "not slow and not browser and not classroom"

outputs: setup  ## re-execute notebooks in place (NB=notebooks/01_....ipynb for one), as the tests do
	$(BIN)/python tools/run_notebooks.py $(NB)

lint: setup  ## ruff check
	$(BIN)/ruff check .

format: setup  ## ruff format + fix import order
	$(BIN)/ruff check --fix --select I .
	$(BIN)/ruff format dvdl_helpers tests benchmarks tools conftest.py

bench: setup  ## every benchmark + notebook timings -> docs/measurements.md (FULL=1: long runs too; ISA=AVX2: notebooks capped)
	$(BIN)/python benchmarks/run_all.py $(if $(FULL),--full) $(if $(ISA),--isa $(ISA))

student: setup  ## write student copies (solutions emptied, outputs cleared) to student/
	$(BIN)/python tools/make_student.py student

# The classroom hub (docs/teaching.md): JupyterHub from requirements-classroom.txt, its proxy from npm into
# classroom/node_modules (never globally). Both are installed here, once; nothing is fetched when it runs.
classroom-setup: setup  ## install JupyterHub and its proxy (npm, into classroom/) for `make classroom`
	@command -v npm >/dev/null || { echo "npm is needed (Node.js 20 or later: apt-get install nodejs npm)"; exit 2; }
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-classroom.txt
	cd classroom && npm ci --no-audit --no-fund --loglevel=error

# HOST=0.0.0.0 (or the machine's address) opens the hub to the room's network; it then refuses to start
# unless every login has a real password. PORT, CLASS_LIST and TEACHER change the defaults; KERNEL_IDLE and
# SERVER_IDLE are the minutes after which an idle kernel (30) and an idle learner's server (60) stop (0: never).
classroom: setup  ## JupyterHub for a room: a login per learner (classroom/class-list.txt), 127.0.0.1 unless HOST=
	@test -x $(BIN)/jupyterhub -a -x classroom/node_modules/.bin/configurable-http-proxy \
		|| { echo "JupyterHub or its proxy is not installed: run make classroom-setup first"; exit 2; }
	$(if $(HOST),CLASSROOM_IP=$(HOST)) $(if $(PORT),CLASSROOM_PORT=$(PORT)) \
		$(if $(TEACHER),CLASSROOM_TEACHER=$(TEACHER)) $(if $(KERNEL_IDLE),CLASSROOM_KERNEL_IDLE_MINUTES=$(KERNEL_IDLE)) \
		$(if $(SERVER_IDLE),CLASSROOM_SERVER_IDLE_MINUTES=$(SERVER_IDLE)) $(BIN)/jupyterhub -f classroom/jupyterhub_config.py

clean:  ## remove generated files (artifacts/, student/), keep .venv
	rm -rf artifacts student test-artifacts
