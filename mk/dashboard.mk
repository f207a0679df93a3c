# Dashboard (Streamlit) and the static dbt docs site. See docs/dashboard.md.
DASHBOARD_PORT ?= $(or $(SPOON_DASHBOARD_PORT),8501)
DASHBOARD_IMAGE ?= willows-spoon/dashboard:latest

.PHONY: dashboard docs docs-serve dashboard-screenshot dashboard-image

dashboard: setup ## Serve the dashboard on http://127.0.0.1:8501 (run `make demo` first)
	@$(BIN)/spoon dashboard --port $(DASHBOARD_PORT)

docs: setup ## Generate the dbt docs as one static page (data/docs/index.html)
	@$(BIN)/spoon docs generate

docs-serve: docs ## Serve the static dbt docs on http://127.0.0.1:8081
	@$(BIN)/spoon docs serve

dashboard-screenshot: setup ## Refresh docs/img/dashboard.png (headless Chromium on the demo shop)
	@SPOON_SCREENSHOT_TO=docs/img/dashboard.png $(BIN)/pytest -q \
		tests/integration/dashboard/test_dashboard_browser.py

dashboard-image: ## Build the dashboard image (BASE_IMAGE=... to change the base)
	@docker build -f dashboard/Dockerfile $(if $(BASE_IMAGE),--build-arg BASE_IMAGE=$(BASE_IMAGE)) \
		-t $(DASHBOARD_IMAGE) .
