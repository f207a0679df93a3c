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

.PHONY: help setup demo test lint clean run load transform summary doctor

help: ## List every target with one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-22s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP):
	@mkdir -p $(STAMP)

$(STAMP)/venv: pyproject.toml | $(STAMP)
	@echo "• installing the spoon package and its tools into $(VENV)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -q --upgrade pip
	@$(BIN)/pip install -q -e '.[dev,snowflake,airbyte,dashboard]'
	@touch $@

$(STAMP)/dbt-venv: dbt/requirements.txt | $(STAMP)
	@echo "• installing dbt into its own virtualenv $(DBT_VENV)"
	@test -x $(DBT_VENV)/bin/python || $(PYTHON) -m venv $(DBT_VENV)
	@$(DBT_VENV)/bin/pip install -q --upgrade pip
	@$(DBT_VENV)/bin/pip install -q -r dbt/requirements.txt
	@touch $@

setup: $(STAMP)/venv $(STAMP)/dbt-venv ## Install everything (package venv + dbt venv); quiet when done

demo: setup ## Generate the demo shop and run the whole embedded pipeline, then print a summary
	@$(BIN)/spoon demo

run: setup ## Run extract -> load -> transform with the settings in .env
	@$(BIN)/spoon run

load: setup ## Load new lake files into the raw tables
	@$(BIN)/spoon load

transform: setup ## Build and test the dbt models
	@$(BIN)/spoon transform

summary: setup ## Print the sales summary of the current warehouse
	@$(BIN)/spoon summary

doctor: setup ## Show settings (secrets masked) and check connections
	@$(BIN)/spoon doctor

test: setup ## Run the whole test suite
	@$(BIN)/pytest -q tests

lint: setup ## Lint everything as pre-commit does (ruff, sqlfluff, yamllint, secrets, whitespace, workflows)
	@bash scripts/lint.sh

clean: ## Remove generated data, dbt artifacts and caches (keeps the virtualenvs)
	@rm -rf data dbt/target dbt/logs test-artifacts .pytest_cache .ruff_cache
	@find . -name __pycache__ -type d -prune -not -path './.venv*' -exec rm -rf {} +

-include mk/*.mk
