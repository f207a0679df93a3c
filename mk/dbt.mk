# dbt project targets (dbt/ runs from its own virtualenv, .venv-dbt).
DBT := $(DBT_VENV)/bin/dbt
DBT_ARGS := --project-dir dbt --profiles-dir dbt

.PHONY: test-dbt dbt-compile-prod

test-dbt: setup ## Run the dbt project's tests (DuckDB build, incremental, fakesnow, compile, docs)
	@$(BIN)/pytest -q tests/integration/dbt

dbt-compile-prod: setup ## Compile the dbt project for Snowflake prod without connecting (SQL check)
	@SPOON_SNOWFLAKE_ACCOUNT=$${SPOON_SNOWFLAKE_ACCOUNT:-offline} SPOON_SNOWFLAKE_USER=$${SPOON_SNOWFLAKE_USER:-offline} \
	  SPOON_SNOWFLAKE_PRIVATE_KEY_PATH=$${SPOON_SNOWFLAKE_PRIVATE_KEY_PATH:-/dev/null} \
	  $(DBT) compile $(DBT_ARGS) --target prod --no-introspect --no-populate-cache --quiet
