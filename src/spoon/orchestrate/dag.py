"""Builds the nightly DAG `shopify_daily` (needs Airflow and astronomer-cosmos).

extract -> load -> source_freshness -> dbt (one cosmos task per model: `dbt build` of the
model and its tests) -> marts (emits one Asset per mart) -> publish (static docs, dashboard).
The extract step is Airbyte's deferrable sync when SPOON_SOURCE=airbyte, else the embedded
extract (demo shop or PyAirbyte); load is the loader on DuckDB or the Snowpipe wait on
Snowflake (`spoon.orchestrate.steps.load` picks by SPOON_WAREHOUSE). With several shops
(SPOON_LAKE_NAMESPACES) the extract is one task per shop (`extract.<shop>`, or
`extract.find_connection_<shop>` >> `extract.sync_<shop>`), side by side, all before the one
shared load and dbt build: a failing shop fails its own task, whose id and error name it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from airflow.sdk import DAG, Asset, CronTriggerTimetable, TaskGroup, get_current_context, task
from cosmos import (
    DbtTaskGroup,
    ExecutionConfig,
    LoadMode,
    ProfileConfig,
    ProjectConfig,
    RenderConfig,
)
from cosmos.constants import InvocationMode, TestBehavior

from spoon.orchestrate import notify, tasks
from spoon.orchestrate.config import (
    DAG_ID,
    DBT_PROFILE,
    MAX_RETRY_DELAY,
    RUN_TIMEOUT,
    TAGS,
    DagConfig,
    dag_config,
    mart_models,
)
from spoon.settings import Settings, load_settings

AIRBYTE_CONN_ID = "airbyte_default"
DOC_MD = __doc__


def mart_asset(name: str) -> Asset:
    """The Asset a mart is published as; downstream DAGs schedule on these."""
    return Asset(name=f"marts.{name}", uri=f"spoon://marts/{name}", group="marts")


def _default_args(cfg: DagConfig) -> dict[str, Any]:
    return {
        "owner": cfg.owner,
        "retries": cfg.retries,
        "retry_delay": cfg.retry_delay,
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": MAX_RETRY_DELAY,
        "on_failure_callback": notify.task_failed,
    }


def _extract(cfg: DagConfig) -> Any:
    """One shop: today's tasks. Several shops: one extract (or find + sync) per shop, side by
    side, each failing on its own with the shop in its task id and its error."""
    if cfg.production_extract:
        from airflow.providers.airbyte.operators.airbyte import AirbyteTriggerSyncOperator

        with TaskGroup("extract", tooltip="Airbyte syncs each shop to the S3 lake") as group:
            for ns in cfg.shops:
                suffix = f"_{ns}" if cfg.multi_shop else ""
                connection_id = task(task_id=f"find_connection{suffix}")(
                    tasks.airbyte_connection_id
                )(namespace=ns)
                sync = AirbyteTriggerSyncOperator(
                    task_id=f"sync{suffix}",
                    airbyte_conn_id=AIRBYTE_CONN_ID,
                    connection_id=connection_id,
                    deferrable=True,
                    timeout=RUN_TIMEOUT.total_seconds() / 2,
                )
                connection_id >> sync
        return group

    def shop_extract(ns: str | None) -> Any:
        @task(task_id=ns or "extract")
        def extract() -> str:
            """Embedded extract of everything up to the run's shop-local day."""
            run_after = get_current_context()["dag_run"].run_after
            return tasks.extract(until=tasks.local_day(run_after, cfg.timezone), namespace=ns)

        return extract()

    if not cfg.multi_shop:
        return shop_extract(None)
    with TaskGroup("extract", tooltip="The embedded extract, one task per shop") as group:
        for ns in cfg.shops:
            shop_extract(ns)
    return group


def _dbt_group(cfg: DagConfig) -> DbtTaskGroup:
    return DbtTaskGroup(
        group_id="dbt",
        project_config=ProjectConfig(
            dbt_project_path=cfg.dbt_project_dir,
            manifest_path=cfg.dbt_manifest,
            install_dbt_deps=False,
            env_vars=cfg.dbt_env,
        ),
        profile_config=ProfileConfig(
            profile_name=DBT_PROFILE,
            target_name=cfg.dbt_target,
            profiles_yml_filepath=cfg.dbt_project_dir / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            dbt_executable_path=cfg.dbt_executable,
            invocation_mode=InvocationMode.SUBPROCESS,
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            # rendering reads the manifest and never runs dbt, but cosmos refuses its default
            # (dbtRunner) when dbt is not in Airflow's own virtualenv, as in the image
            invocation_mode=InvocationMode.SUBPROCESS,
            test_behavior=TestBehavior.BUILD,
            # a test on several models (relationships, joins) gets its own task after all of
            # them, instead of failing inside the first model's `dbt build`
            should_detach_multiple_parents_tests=True,
            emit_datasets=False,
        ),
        operator_args={"install_deps": False},
    )


def build_shopify_daily(settings: Settings | None = None) -> DAG:
    s = settings or load_settings()
    cfg = dag_config(s)
    marts = mart_models(cfg.dbt_manifest)

    with DAG(
        dag_id=DAG_ID,
        description="Nightly: Shopify -> lake -> warehouse -> dbt marts -> docs and dashboard",
        doc_md=DOC_MD,
        # No start_date: the first run is the next SPOON_SCHEDULE_TIME after deployment
        # (with one, Airflow would start yesterday's run at once); no catch-up after that.
        # run_immediately=timedelta(0), not False: Airflow 3.3 treats False like None and
        # starts the last slot at once when deployed within 10% of a day (2.4 h) after it.
        schedule=CronTriggerTimetable(
            cfg.cron, timezone=cfg.timezone, run_immediately=timedelta(0)
        ),
        catchup=False,
        max_active_runs=1,
        max_active_tasks=cfg.max_active_tasks,
        dagrun_timeout=RUN_TIMEOUT,
        default_args=_default_args(cfg),
        on_failure_callback=notify.run_failed,
        tags=list(TAGS),
    ) as dag:

        @task(task_id="load")
        def load() -> str:
            return tasks.load()

        @task(task_id="source_freshness")
        def source_freshness() -> str:
            return tasks.source_freshness()

        @task(task_id="marts", outlets=[mart_asset(name) for name in marts])
        def check_marts() -> dict[str, int]:
            """The marts are built and tested: record their row counts, emit their Assets."""
            return tasks.mart_row_counts(marts)

        @task(task_id="docs")
        def docs() -> str:
            return tasks.publish_docs()

        @task(task_id="dashboard")
        def dashboard(counts: dict[str, int]) -> str:
            return tasks.refresh_dashboard(get_current_context()["run_id"], counts)

        counts = check_marts()
        _extract(cfg) >> load() >> source_freshness() >> _dbt_group(cfg) >> counts
        with TaskGroup("publish", tooltip="Static dbt docs and the dashboard's cache"):
            counts >> [docs(), dashboard(counts)]
    return dag
