# Airbyte: the production extract (abctl) and the embedded one (PyAirbyte). See docs/airbyte.md.
PYAIRBYTE_VENV := .venv-pyairbyte
ABCTL_VERSION ?= v0.30.1
AIRBYTE_PORT ?= 8000
export ABCTL_VERSION AIRBYTE_PORT

.PHONY: airbyte-up airbyte-down airbyte-plan airbyte-apply pyairbyte-venv

airbyte-up: ## Install (once) and start Airbyte on this VM with abctl, then print its address
	@bash scripts/airbyte.sh up

airbyte-down: ## Stop Airbyte (abctl local uninstall; its data is kept)
	@bash scripts/airbyte.sh down

airbyte-plan: setup ## Show what `spoon airbyte apply` would change in Airbyte
	@$(BIN)/spoon airbyte plan

airbyte-apply: setup ## Create/update the Shopify source, S3 destination and connection in Airbyte
	@$(BIN)/spoon airbyte apply

$(STAMP)/pyairbyte-venv: airbyte/pyairbyte-requirements.lock | $(STAMP)
	@echo "• installing PyAirbyte and source-shopify into their own virtualenv $(PYAIRBYTE_VENV)"
	@test -x $(PYAIRBYTE_VENV)/bin/python || $(PYTHON) -m venv $(PYAIRBYTE_VENV)
	@$(PYAIRBYTE_VENV)/bin/pip install -q --upgrade pip
	@$(PYAIRBYTE_VENV)/bin/pip install -q -r airbyte/pyairbyte-requirements.lock
	@touch $@

pyairbyte-venv: $(STAMP)/pyairbyte-venv ## Install PyAirbyte + source-shopify (for SPOON_SOURCE=shopify)

# the Airbyte tests read source-shopify's own spec and run it through PyAirbyte
test: $(STAMP)/pyairbyte-venv
