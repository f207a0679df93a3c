# Airbyte: the production extract (abctl) and the embedded one (PyAirbyte). See docs/airbyte.md.
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

# its install step is in the Makefile (`make test` needs it too)
pyairbyte-venv: $(STAMP)/pyairbyte-venv ## Install PyAirbyte + source-shopify (for SPOON_SOURCE=shopify)
