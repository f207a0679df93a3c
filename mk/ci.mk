# CI/CD — issue 8: the lint checks (shared with pre-commit), the workflow linters and the
# node tools they need. See docs/ci-cd.md. The Makefile's `lint` target runs scripts/lint.sh;
# the node tools' install step is in the Makefile (`make setup` installs them).

.PHONY: node-tools lint-workflows lint-fix secrets-baseline pre-commit-install

node-tools: $(STAMP)/node-tools ## Install the node tools of the CI checks (npm ci)

lint-workflows: setup ## Check the GitHub workflows and actions (actionlint, zizmor)
	@bash scripts/lint.sh actionlint zizmor

lint-fix: setup ## Apply the fixes ruff and sqlfluff can make, then run make lint
	@$(BIN)/ruff check --fix --quiet src tests airflow dashboard scripts || true
	@$(BIN)/ruff format --quiet src tests airflow dashboard scripts
	@$(BIN)/sqlfluff fix --quiet --disable-progress-bar dbt/models dbt/tests snowflake || true
	@bash scripts/lint.sh

secrets-baseline: setup ## Re-scan for secrets into .secrets.baseline (review its diff, then commit)
	@bash scripts/secrets-baseline.sh

pre-commit-install: setup ## Install the git pre-commit hook (the same checks as make lint)
	@$(BIN)/pre-commit install --install-hooks
