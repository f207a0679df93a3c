"""What the DAG is made of, derived from the settings: schedule, retries, mode, dbt paths."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from spoon.errors import SettingsError, SpoonError
from spoon.settings import Settings
from spoon.transform.env import NO_TRACKING, dbt_profile_env

DAG_ID = "shopify_daily"
TAGS = ("shopify", "spoon", "nightly")
#: dbt's profile name (dbt/dbt_project.yml `profile:` and dbt/profiles.yml).
DBT_PROFILE = "willows_spoon"
MARTS_FOLDER = "marts"
#: Longest a whole run may take before Airflow fails it (and notifies).
RUN_TIMEOUT = timedelta(hours=6)
MAX_RETRY_DELAY = timedelta(hours=1)


@dataclass(frozen=True)
class DagConfig:
    """Everything `spoon.orchestrate.dag` needs, read once at parse time."""

    cron: str
    timezone: str
    owner: str
    retries: int
    retry_delay: timedelta
    production_extract: bool
    warehouse: str
    dbt_project_dir: Path
    dbt_manifest: Path
    dbt_executable: str
    dbt_target: str
    dbt_env: dict[str, str]
    #: DuckDB takes one writer at a time: run one task at a time there.
    max_active_tasks: int
    #: the shops (SPOON_LAKE_NAMESPACES): with more than one, one extract task per shop
    shops: tuple[str, ...] = ("shopify",)

    @property
    def multi_shop(self) -> bool:
        return len(self.shops) > 1


def cron_for(schedule_time: str) -> str:
    """`02:30` -> `30 2 * * *` (validated by the setting's pattern)."""
    hour, minute = (int(part) for part in schedule_time.split(":"))
    return f"{minute} {hour} * * *"


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"SPOON_SHOP_TIMEZONE={name!r} is not an IANA time zone; "
            "use the shop's zone, e.g. America/Los_Angeles"
        ) from None
    return name


def manifest_path(settings: Settings) -> Path:
    given = settings.dbt_manifest_path
    if given is None or str(given) in ("", "."):  # an empty SPOON_DBT_MANIFEST_PATH= in .env
        given = Path(settings.dbt_project_dir) / "target" / "manifest.json"
    return Path(given).resolve()


def dbt_task_env(settings: Settings) -> dict[str, str]:
    """The non-secret variables dbt's profiles.yml reads (the same as `spoon transform`'s, one
    source: `dbt_profile_env`), tracking off; secrets come from the worker's env."""
    return {**NO_TRACKING, **dbt_profile_env(settings)}


def dag_config(settings: Settings) -> DagConfig:
    manifest = manifest_path(settings)
    if not manifest.is_file():
        raise SpoonError(
            f"no dbt manifest at {manifest}; run `make dbt-manifest` (dbt parse) "
            "or set SPOON_DBT_MANIFEST_PATH"
        )
    return DagConfig(
        cron=cron_for(settings.schedule_time),
        timezone=check_timezone(settings.shop_timezone),
        owner=settings.dag_owner,
        retries=settings.dag_retries,
        retry_delay=timedelta(minutes=settings.dag_retry_delay_minutes),
        production_extract=settings.source == "airbyte",
        warehouse=settings.warehouse,
        dbt_project_dir=Path(settings.dbt_project_dir).resolve(),
        dbt_manifest=manifest,
        dbt_executable=settings.dbt_bin,
        dbt_target=settings.target,
        dbt_env=dbt_task_env(settings),
        max_active_tasks=1 if settings.warehouse == "duckdb" else 4,
        shops=tuple(settings.namespaces),
    )


def mart_models(manifest: Path) -> list[str]:
    """Names of the enabled models under models/marts/, from dbt's parsed manifest."""
    try:
        nodes = json.loads(manifest.read_text())["nodes"]
    except (OSError, ValueError, KeyError) as err:
        raise SpoonError(
            f"cannot read the dbt manifest {manifest}: {err}; re-run dbt parse"
        ) from None
    names = {
        node["name"]
        for node in nodes.values()
        if node.get("resource_type") == "model"
        and node.get("config", {}).get("enabled", True)
        and Path(node.get("original_file_path", "")).parts[1:2] == (MARTS_FOLDER,)
    }
    return sorted(names)
