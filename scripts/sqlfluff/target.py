"""`target` for linting dbt models with sqlfluff: the production Snowflake target."""

from __future__ import annotations

name = "prod"
type = "snowflake"  # dbt's attribute name
database = "ANALYTICS"
schema = "PUBLIC"
threads = 4
