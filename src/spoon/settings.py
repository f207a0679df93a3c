"""Settings, read from the environment and `.env` (pydantic-settings).

Every setting is named `SPOON_<FIELD>`; `.env.example` lists them all.
A wrong value raises `SettingsError` with one line that names the variable.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from spoon.errors import SettingsError

#: The folder holding `dbt/`, `snowflake/`, `airbyte/` when running from a checkout.
PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def repo_path(*parts: str) -> Path:
    """A path inside the checkout (or the image's `spoon.images.SPOON_HOME`), else relative
    to cwd."""
    candidate = PACKAGE_ROOT.joinpath(*parts)
    if candidate.exists():
        return candidate
    return Path.cwd().joinpath(*parts)


class Settings(BaseSettings):
    """All of Willow's Spoon's settings. Field `x` is read from `SPOON_X`."""

    model_config = SettingsConfigDict(
        env_prefix="SPOON_",
        env_file=os.environ.get("SPOON_ENV_FILE", ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    # --- where things run -------------------------------------------------
    env: Literal["dev", "ci", "prod"] = Field("dev", description="Environment name.")
    warehouse: Literal["duckdb", "snowflake"] = Field(
        "duckdb", description="Where raw tables and marts live."
    )
    source: Literal["demo", "shopify", "airbyte"] = Field(
        "demo", description="What `spoon extract` reads by default."
    )

    # --- the lake (contract 1) --------------------------------------------
    lake_url: str = Field("data/lake", description="file://… path or s3://bucket/prefix")
    lake_namespace: str = Field(
        "shopify", description="Airbyte namespace (first folder) of a single shop."
    )
    lake_namespaces: str = Field(
        "",
        description="The shops, comma-separated lake namespaces, e.g. shop_us,shop_eu "
        "(default: SPOON_LAKE_NAMESPACE, i.e. one shop `shopify`).",
    )
    quarantine_url: str = Field(
        "", description="Where unreadable files are moved (default: <lake>/_quarantine)."
    )

    # --- embedded warehouse ----------------------------------------------
    duckdb_path: Path = Field(Path("data/warehouse.duckdb"), description="DuckDB file.")
    duckdb_memory_limit: str = Field(
        "3GB",
        pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description="DuckDB's memory cap in the loader and dbt; beyond it, work spills to disk.",
    )

    # --- demo shop ----------------------------------------------------------
    demo_profile: Literal["us", "eu"] = Field(
        "us", description="Which demo shop: us (tax on top) or eu (Berlin, VAT included)."
    )
    demo_seed: int = Field(42, description="Seed of the demo shop generator.")
    demo_orders: int | None = Field(
        None, ge=1, description="Orders in the demo history (default: 20,000 us, 2,000 eu)."
    )
    demo_days: int = Field(456, ge=1, description="Days of demo history.")
    demo_start: date = Field(date(2025, 8, 1), description="First day of the demo shop.")
    truth_dir: Path = Field(
        Path("data/truth"), description="Where the demo shop writes its ground truth."
    )

    # --- dbt ------------------------------------------------------------------
    dbt_project_dir: Path = Field(default_factory=lambda: repo_path("dbt"))
    dbt_executable: str = Field("", description="dbt binary (default: .venv-dbt/bin/dbt).")
    dbt_target: str = Field("", description="dbt target (default: dev on duckdb, prod else).")
    dbt_threads: int = Field(2, ge=1)
    dbt_schema: str = Field(
        "", description="dbt target schema; on the ci target every schema gets it as prefix."
    )

    # --- Shopify (real shop, without Airbyte) ----------------------------------
    shopify_shop: str = Field("", description="The shop's myshopify name, e.g. willows-spoon")
    shopify_access_token: SecretStr = Field(SecretStr(""), description="Admin API token")
    shopify_start_date: date = Field(date(2024, 1, 1), description="First day to sync")
    pyairbyte_python: str = Field(
        "", description="Python of the PyAirbyte venv (default: .venv-pyairbyte/bin/python)."
    )

    # --- Snowflake (production) -------------------------------------------------
    snowflake_account: str = ""
    snowflake_user: str = ""
    snowflake_role: str = "TRANSFORMER"
    snowflake_warehouse: str = "TRANSFORMING"
    snowflake_database: str = "ANALYTICS"
    snowflake_raw_database: str = "RAW"
    snowflake_private_key_path: Path | None = None
    snowflake_private_key_passphrase: SecretStr = SecretStr("")
    snowflake_host: str = Field("", description="Override host (tests: a fakesnow server).")
    snowflake_port: int = 443
    snowflake_protocol: Literal["https", "http"] = "https"
    snowflake_env_suffix: str | None = Field(
        None,
        pattern=r"^(_[A-Z0-9_]+)?$",
        description="Suffix of every Snowflake object (default: none on prod, _DEV / _CI else).",
    )
    snowflake_keys_dir: Path = Field(
        Path("~/.spoon/keys"), description="Service users' key pairs (outside the repo)."
    )
    snowflake_loader_user: str = Field("", description="Load step user (default SPOON_LOADER).")
    snowflake_loader_private_key_path: Path | None = None
    snowflake_admin_user: str = Field("", description="Your admin login, for bootstrap only.")
    snowflake_admin_authenticator: str = Field(
        "externalbrowser", description="snowflake (password) | externalbrowser | SNOWFLAKE_JWT"
    )
    snowflake_admin_password: SecretStr = SecretStr("")
    snowflake_admin_private_key_path: Path | None = None
    snowflake_credit_quota: int = Field(10, ge=1, description="Monthly credits, then suspend.")
    snowflake_allowed_ips: str = Field(
        "", description="Comma-separated IPv4 addresses/CIDRs the service users may log in from."
    )
    snowflake_iam_user_arn: str = Field("", description="From `spoon bootstrap snowflake`.")
    snowflake_external_id: str = Field("", description="From `spoon bootstrap snowflake`.")
    snowpipe_queue_arn: str = Field("", description="From `spoon bootstrap snowflake`.")
    snowpipe_timeout_s: int = Field(1800, ge=1, description="Load step: give up after.")
    snowpipe_poll_s: int = Field(20, ge=1, description="Load step: COPY_HISTORY poll interval.")
    snowpipe_refresh_after_s: int = Field(
        300, ge=0, description="Load step: refresh a pipe for files still unseen after this."
    )
    snowpipe_lookback_hours: int = Field(
        24, ge=1, description="Load step: files landed this recently are the last sync's."
    )

    # --- AWS (production lake) ---------------------------------------------------
    aws_region: str = "us-east-1"
    aws_endpoint_url: str = Field("", description="Override S3/IAM endpoint (tests: moto).")
    aws_account_id: str = Field("", pattern=r"^(\d{12})?$", description="12-digit account.")
    aws_snowflake_role_name: str = Field("", description="IAM role (default spoon-snowflake).")
    s3_bucket: str = ""
    s3_prefix: str = "shopify"
    lake_retention_days: int = Field(30, ge=1)

    # --- Airbyte (production extract) --------------------------------------------
    airbyte_url: str = "http://localhost:8000/api/public/v1"
    airbyte_client_id: str = ""
    airbyte_client_secret: SecretStr = SecretStr("")
    airbyte_workspace: str = "default"
    airbyte_connection_name: str = "shopify-to-s3"

    # --- orchestration (the Airflow DAG `shopify_daily`) ---------------------------
    schedule_time: str = Field(
        "02:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Nightly run, HH:MM local."
    )
    shop_timezone: str = Field("UTC", description="IANA zone of the shop; the DAG's clock.")
    dag_owner: str = Field("data-team", min_length=1, description="Owner shown in Airflow.")
    dag_retries: int = Field(3, ge=0, le=10, description="Retries of each task.")
    dag_retry_delay_minutes: int = Field(5, ge=1, description="First retry delay (doubles).")
    alert_slack_webhook_url: SecretStr = Field(SecretStr(""), description="Slack webhook.")
    alert_email_to: str = Field("", description="Comma-separated failure e-mail recipients.")
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_from: str = "spoon@localhost"
    smtp_starttls: bool = True
    dbt_manifest_path: Path | None = Field(
        None, description="Parsed dbt manifest (default: <dbt project>/target/manifest.json)."
    )
    docs_dir: Path = Field(Path("data/docs"), description="Where static dbt docs are published.")
    dashboard_refresh_file: Path = Field(
        Path("data/dashboard-refresh.json"),
        description="Rewritten after each run; the dashboard drops its cache when it changes.",
    )

    # --- dashboard and dbt docs site --------------------------------------------------
    dashboard_address: str = Field(
        "127.0.0.1", description="Address the dashboard and docs bind (0.0.0.0 in a container)."
    )
    dashboard_cache_ttl_seconds: int = Field(600, ge=0, description="Query cache lifetime.")
    docs_port: int = Field(8081, ge=1, le=65535, description="Port of the static dbt docs site.")
    snowflake_reporter_private_key_path: Path | None = Field(
        None, description="Reporter's key (default: <keys dir>/SPOON_REPORTER<suffix>.p8)."
    )

    @field_validator("lake_url")
    @classmethod
    def _lake_scheme(cls, value: str) -> str:
        if "://" in value and not value.startswith(("file://", "s3://", "memory://")):
            raise ValueError("must be a local path, file://… or s3://bucket/prefix")
        return value

    @field_validator("lake_namespace")
    @classmethod
    def _one_namespace(cls, value: str) -> str:
        problem = namespace_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("lake_namespaces")
    @classmethod
    def _namespace_list(cls, value: str) -> str:
        parse_namespaces(value)
        return value

    # --- derived ----------------------------------------------------------------------
    @property
    def namespaces(self) -> list[str]:
        """The shops' lake namespaces in listed order (the first is the default shop)."""
        return parse_namespaces(self.lake_namespaces) or [self.lake_namespace]

    @property
    def multi_shop(self) -> bool:
        return len(self.namespaces) > 1

    def demo_profile_of(self, namespace: str) -> str:
        """A namespace ending `_eu` is the EU demo shop, `_us` the US one; else the setting."""
        if namespace.endswith("_eu"):
            return "eu"
        if namespace.endswith("_us"):
            return "us"
        return self.demo_profile

    def demo_seed_of(self, namespace: str) -> int:
        """Seed + k for the k-th shop, so that shops differ (the first keeps the seed)."""
        return self.demo_seed + self.namespaces.index(namespace)

    def demo_orders_of(self, namespace: str) -> int:
        """SPOON_DEMO_ORDERS, else the shop's demo profile's own default size."""
        if self.demo_orders is not None:
            return self.demo_orders
        from spoon.extract.demo.shops import PROFILES

        return PROFILES[self.demo_profile_of(namespace)].default_orders

    def truth_dir_of(self, namespace: str) -> Path:
        """The shop's ground truth: SPOON_TRUTH_DIR with one shop, <it>/<namespace> with more."""
        return Path(self.truth_dir) / namespace if self.multi_shop else Path(self.truth_dir)

    def is_default_shop(self, namespace: str) -> bool:
        """The shop SPOON_LAKE_NAMESPACE names keeps today's names (connection, pipes)."""
        return namespace == self.lake_namespace

    def airbyte_connection_of(self, namespace: str) -> str:
        """The shop's Airbyte connection: SPOON_AIRBYTE_CONNECTION_NAME for the default shop,
        `<it>-<namespace>` for the others (as `spoon airbyte apply` names them)."""
        if self.is_default_shop(namespace):
            return self.airbyte_connection_name
        return f"{self.airbyte_connection_name}-{namespace}"

    def shopify_credentials_of(self, namespace: str) -> tuple[str, SecretStr]:
        """The shop's myshopify name and Admin API token: SPOON_SHOPIFY_SHOP_<NS> and
        SPOON_SHOPIFY_ACCESS_TOKEN_<NS> (environment or .env), falling back to
        SPOON_SHOPIFY_SHOP / SPOON_SHOPIFY_ACCESS_TOKEN for the default shop only."""
        extra = shop_variables(namespace)
        shop = extra.get(shop_variable("SPOON_SHOPIFY_SHOP", namespace), "")
        token = extra.get(shop_variable("SPOON_SHOPIFY_ACCESS_TOKEN", namespace), "")
        if self.is_default_shop(namespace):
            shop = shop or self.shopify_shop
            token = token or self.shopify_access_token.get_secret_value()
        return shop.strip(), SecretStr(token)

    @property
    def quarantine(self) -> str:
        return self.quarantine_url or self.lake_url.rstrip("/") + "/_quarantine"

    @property
    def dbt_bin(self) -> str:
        if self.dbt_executable:
            return self.dbt_executable
        for candidate in (repo_path(".venv-dbt", "bin", "dbt"), Path("/opt/dbt-venv/bin/dbt")):
            if candidate.exists():
                return str(candidate)
        return shutil.which("dbt") or str(repo_path(".venv-dbt", "bin", "dbt"))

    @property
    def target(self) -> str:
        return self.dbt_target or ("dev" if self.warehouse == "duckdb" else "prod")

    @property
    def demo_order_count(self) -> int:
        """SPOON_DEMO_ORDERS, else the demo profile's own default size."""
        if self.demo_orders is not None:
            return self.demo_orders
        from spoon.extract.demo.shops import PROFILES

        return PROFILES[self.demo_profile].default_orders


#: a shop's handle: what Airbyte's namespace, a folder, a dbt value and a Snowflake name allow
NAMESPACE_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def namespace_problem(name: str) -> str:
    """Why `name` cannot be a lake namespace (a shop's handle), or ''."""
    if not NAMESPACE_RE.match(name):
        return (
            f"{name!r} is not a shop handle: use a lowercase letter, then a-z, 0-9 or _ "
            "(at most 63 characters)"
        )
    return ""


def parse_namespaces(value: str) -> list[str]:
    """`shop_us, shop_eu` -> ['shop_us', 'shop_eu']; '' -> []; a bad or repeated handle
    raises ValueError naming it."""
    names = [part.strip() for part in value.split(",")] if value.strip() else []
    seen: set[str] = set()
    for name in names:
        if not name:
            raise ValueError("has an empty entry; list the shops as handle,handle")
        problem = namespace_problem(name)
        if problem:
            raise ValueError(problem)
        if name in seen:
            raise ValueError(f"lists {name!r} twice; list each shop once")
        seen.add(name)
    return names


def shop_variable(base: str, namespace: str) -> str:
    """A setting for one shop: (SPOON_SHOPIFY_SHOP, shop_eu) -> SPOON_SHOPIFY_SHOP_SHOP_EU."""
    return f"{base}_{namespace.upper()}"


def shop_variables(namespace: str) -> dict[str, str]:
    """Per-shop variables (`SPOON_*_<NS>`) from `.env` and the environment (the environment
    wins), which are not fields of `Settings`."""
    from dotenv import dotenv_values

    suffix = f"_{namespace.upper()}"
    path = Path(os.environ.get("SPOON_ENV_FILE", ".env"))
    found = (
        {k: v for k, v in dotenv_values(path).items() if v is not None} if path.is_file() else {}
    )
    found.update(os.environ)
    return {k: v for k, v in found.items() if k.startswith("SPOON_") and k.endswith(suffix)}


def _explain(err: ValidationError) -> str:
    first = err.errors()[0]
    field = str(first["loc"][0]) if first.get("loc") else "?"
    value = first.get("input")
    msg = first["msg"]
    shown = f"={value!r}" if isinstance(value, str | int | float) else ""
    more = f" and {len(err.errors()) - 1} more" if len(err.errors()) > 1 else ""
    return (
        f"SPOON_{field.upper()}{shown} is invalid: {msg}{more}; fix it in .env or the environment"
    )


def load_settings(**overrides: object) -> Settings:
    """Read settings; a bad value becomes a one-line `SettingsError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        raise SettingsError(_explain(err)) from None


SECRET_FIELDS = {name for name, f in Settings.model_fields.items() if f.annotation is SecretStr}
