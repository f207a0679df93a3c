"""dbt's environment is built once: `spoon transform` and the Airflow DAG's dbt tasks agree."""

from __future__ import annotations

import pytest

from spoon.orchestrate.config import dbt_task_env
from spoon.settings import load_settings
from spoon.transform.env import dbt_profile_env
from spoon.transform.runner import dbt_env

CASES = {
    "duckdb": {},
    "duckdb, schema and memory": {"dbt_schema": "pr_7", "duckdb_memory_limit": "1GB"},
    "snowflake prod": {"warehouse": "snowflake", "snowflake_account": "xy12345"},
    "snowflake ci": {"warehouse": "snowflake", "dbt_target": "ci", "dbt_schema": "pr_7"},
}


@pytest.mark.parametrize("overrides", CASES.values(), ids=list(CASES))
def test_the_dags_dbt_env_is_the_clis_without_secrets(
    overrides: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in dbt_env(load_settings(**overrides)):  # what the CLI passes on, alone
        if key.startswith(("SPOON_", "DBT_")) or key == "DO_NOT_TRACK":
            monkeypatch.delenv(key, raising=False)
    s = load_settings(snowflake_private_key_passphrase="not-in-the-dag", **overrides)
    cli, dag = dbt_env(s), dbt_task_env(s)
    assert dbt_profile_env(s).items() <= dag.items()
    assert {k: v for k, v in cli.items() if k in dag} == dag  # same names, same values
    settings_keys = {k for k in cli if k.startswith("SPOON_")}
    assert settings_keys - set(dag) == {"SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"}  # only secret
    assert "not-in-the-dag" not in dag.values()


def test_the_duckdb_memory_cap_reaches_the_dags_dbt() -> None:
    s = load_settings(duckdb_memory_limit="1GB")
    assert (
        dbt_task_env(s)["SPOON_DUCKDB_MEMORY_LIMIT"]
        == "1GB"
        == dbt_env(s)["SPOON_DUCKDB_MEMORY_LIMIT"]
    )
