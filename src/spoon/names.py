"""Names of every cloud object, derived from settings only (one place, used everywhere).

Snowflake objects carry an environment suffix so `DEV` and `PROD` live side by side in
one account: none on prod (`RAW`, `LOADER`), `_DEV` on dev (`RAW_DEV`, `LOADER_DEV`), `_CI`
on ci. The database, role and warehouse settings are base names; the suffix is appended.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spoon.errors import SettingsError
from spoon.load.lake import STREAMS as STREAMS  # one raw table and one pipe per stream (contract 2)
from spoon.settings import Settings, repo_path

RAW_SCHEMA = "RAW"
ANALYTICS_SCHEMAS: tuple[str, ...] = ("STAGING", "INTERMEDIATE", "MARTS", "AUDIT")


def env_suffix(settings: Settings) -> str:
    if settings.snowflake_env_suffix is not None:
        return settings.snowflake_env_suffix
    return "" if settings.env == "prod" else f"_{settings.env.upper()}"


@dataclass(frozen=True)
class SnowflakeNames:
    """Every Snowflake name the SQL files and the load step use."""

    suffix: str
    raw_db: str
    analytics_db: str
    raw_schema: str
    loader_role: str
    transformer_role: str
    reporter_role: str
    loading_wh: str
    transforming_wh: str
    reporting_wh: str
    monitor: str
    integration: str
    stage: str
    file_format: str
    loader_user: str
    transformer_user: str
    reporter_user: str
    #: the shop whose pipes keep today's names `{STREAM}_PIPE` (SPOON_LAKE_NAMESPACE)
    default_namespace: str = "shopify"
    #: every shop's lake namespace (SPOON_LAKE_NAMESPACES), in listed order
    namespaces: tuple[str, ...] = ("shopify",)

    def table(self, stream: str) -> str:
        return f"{self.raw_db}.{self.raw_schema}.{stream.upper()}"

    def pipe_name(self, stream: str, namespace: str | None = None) -> str:
        """`ORDERS_PIPE` for the default shop (today's name), `SHOP_EU_ORDERS_PIPE` else."""
        ns = namespace or self.default_namespace
        prefix = "" if ns == self.default_namespace else f"{ns.upper()}_"
        return f"{prefix}{stream.upper()}_PIPE"

    def pipe(self, stream: str, namespace: str | None = None) -> str:
        return f"{self.raw_db}.{self.raw_schema}.{self.pipe_name(stream, namespace)}"

    def pipes(self) -> list[dict[str, str]]:
        """One pipe per shop and stream: namespace, stream, name (unqualified), table."""
        return [
            {
                "namespace": ns,
                "stream": stream,
                "name": self.pipe_name(stream, ns),
                "table": self.table(stream),
            }
            for ns in self.namespaces
            for stream in STREAMS
        ]

    @property
    def users(self) -> dict[str, str]:
        """Service user -> its role."""
        return {
            self.loader_user: self.loader_role,
            self.transformer_user: self.transformer_role,
            self.reporter_user: self.reporter_role,
        }


def snowflake_names(settings: Settings) -> SnowflakeNames:
    sfx = env_suffix(settings)
    raw_db = f"{settings.snowflake_raw_database.upper()}{sfx}"
    return SnowflakeNames(
        suffix=sfx,
        raw_db=raw_db,
        analytics_db=f"{settings.snowflake_database.upper()}{sfx}",
        raw_schema=RAW_SCHEMA,
        loader_role=f"LOADER{sfx}",
        transformer_role=f"{settings.snowflake_role.upper()}{sfx}",
        reporter_role=f"REPORTER{sfx}",
        loading_wh=f"LOADING{sfx}",
        transforming_wh=f"{settings.snowflake_warehouse.upper()}{sfx}",
        reporting_wh=f"REPORTING{sfx}",
        monitor=f"SPOON_MONITOR{sfx}",
        integration=f"SPOON_LAKE{sfx}",
        stage=f"{raw_db}.{RAW_SCHEMA}.LAKE",
        file_format=f"{raw_db}.{RAW_SCHEMA}.PARQUET",
        loader_user=(settings.snowflake_loader_user or f"SPOON_LOADER{sfx}").upper(),
        transformer_user=(settings.snowflake_user or f"SPOON_TRANSFORMER{sfx}").upper(),
        reporter_user=f"SPOON_REPORTER{sfx}",
        default_namespace=settings.lake_namespace,
        namespaces=tuple(settings.namespaces),
    )


def keys_dir(settings: Settings) -> Path:
    return settings.snowflake_keys_dir.expanduser()


def private_key_path(settings: Settings, user: str) -> Path:
    return keys_dir(settings) / f"{user}.p8"


def public_key_path(settings: Settings, user: str) -> Path:
    return keys_dir(settings) / f"{user}.pub"


def loader_key_path(settings: Settings) -> Path:
    names = snowflake_names(settings)
    return (
        settings.snowflake_loader_private_key_path or private_key_path(settings, names.loader_user)
    ).expanduser()


def transformer_key_path(settings: Settings) -> Path:
    names = snowflake_names(settings)
    return (
        settings.snowflake_private_key_path or private_key_path(settings, names.transformer_user)
    ).expanduser()


def dbt_snowflake_env(settings: Settings) -> dict[str, str]:
    """What dbt's `prod`/`ci` profile reads, with the suffix and key path resolved."""
    names = snowflake_names(settings)
    return {
        "SPOON_SNOWFLAKE_ACCOUNT": settings.snowflake_account,
        "SPOON_SNOWFLAKE_USER": names.transformer_user,
        "SPOON_SNOWFLAKE_ROLE": names.transformer_role,
        "SPOON_SNOWFLAKE_WAREHOUSE": names.transforming_wh,
        "SPOON_SNOWFLAKE_DATABASE": names.analytics_db,
        "SPOON_SNOWFLAKE_RAW_DATABASE": names.raw_db,
        "SPOON_SNOWFLAKE_PRIVATE_KEY_PATH": str(transformer_key_path(settings)),
        "SPOON_SNOWFLAKE_HOST": settings.snowflake_host,
        "SPOON_SNOWFLAKE_PORT": str(settings.snowflake_port),
        "SPOON_SNOWFLAKE_PROTOCOL": settings.snowflake_protocol,
    }


# ---- AWS -------------------------------------------------------------------------------------
def require(settings: Settings, *fields: str, why: str) -> None:
    """Raise one line naming every missing setting."""
    missing = [f"SPOON_{f.upper()}" for f in fields if not getattr(settings, f)]
    if missing:
        raise SettingsError(f"{', '.join(missing)} not set ({why}); set in .env or the environment")


def lake_prefix(settings: Settings) -> str:
    """The key prefix of the lake in the bucket, no slashes around ('' = whole bucket)."""
    return settings.s3_prefix.strip("/")


def stage_url(settings: Settings) -> str:
    prefix = lake_prefix(settings)
    return f"s3://{settings.s3_bucket}/{prefix}/" if prefix else f"s3://{settings.s3_bucket}/"


def aws_role_name(settings: Settings) -> str:
    if settings.aws_snowflake_role_name:
        return settings.aws_snowflake_role_name
    sfx = env_suffix(settings).lower().replace("_", "-")
    return f"spoon-snowflake{sfx}"


def aws_writer_user_name(settings: Settings) -> str:
    """The IAM user Airbyte's S3 destination writes the lake with."""
    sfx = env_suffix(settings).lower().replace("_", "-")
    return f"spoon-airbyte{sfx}"


def aws_role_arn(settings: Settings) -> str:
    require(settings, "aws_account_id", why="the IAM role Snowflake assumes lives in it")
    return f"arn:aws:iam::{settings.aws_account_id}:role/{aws_role_name(settings)}"


def sql_dir() -> Path:
    return repo_path("snowflake")
