"""Read-only connections to the warehouse that holds the marts: DuckDB or Snowflake.

A backend runs one SQL statement and returns plain rows (money stays `Decimal`). The
DuckDB file is opened read-only for each query and closed right after, so the loader and
dbt (which need the write lock) are never blocked by an open dashboard. Snowflake is read
as the REPORTER role with its key pair.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from spoon.errors import SpoonError, first_line
from spoon.settings import Settings
from spoon.warehouse_file import unopenable

MARTS_SCHEMA = "marts"


class ReportingError(SpoonError):
    """The dashboard cannot read the marts."""


class WarehouseMissing(ReportingError):
    """There is no warehouse (or no marts in it) yet."""


class WarehouseBusy(ReportingError):
    """The warehouse file is locked by a running load or dbt build."""


@dataclass(frozen=True)
class Rows:
    """A query result: lower-case column names and rows of Python values."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def first(self) -> dict[str, Any] | None:
        return dict(zip(self.columns, self.rows[0], strict=True)) if self.rows else None

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]


class Backend(Protocol):
    """What the reporting queries need from a warehouse."""

    name: str

    def query(self, sql: str) -> Rows: ...

    def has_table(self, schema: str, table: str) -> bool: ...

    def describe(self) -> str: ...


def _rows(description: Sequence[Sequence[Any]] | None, data: list[tuple[Any, ...]]) -> Rows:
    columns = tuple(str(d[0]).lower() for d in (description or ()))
    return Rows(columns, [tuple(r) for r in data])


class DuckDBBackend:
    """The embedded warehouse file, opened read-only for each query."""

    name = "duckdb"

    def __init__(self, path: Path, *, lock_retries: int = 20, lock_wait: float = 0.25) -> None:
        self.path = Path(path)
        self.lock_retries = lock_retries
        self.lock_wait = lock_wait

    def describe(self) -> str:
        return f"DuckDB {self.path}"

    def _connect(self) -> Any:
        import duckdb

        if not self.path.is_file():
            raise WarehouseMissing(
                f"no warehouse at {self.path}; run `make demo` (or `spoon run`) to build it"
            )
        for attempt in range(self.lock_retries + 1):
            try:
                return duckdb.connect(str(self.path), read_only=True)
            except (duckdb.IOException, duckdb.PermissionException) as err:
                if "lock" not in str(err).lower():  # not worth a retry: say what to fix
                    line = unopenable(self.path, err, "spoon dashboard", read_only=True)
                    raise ReportingError(line) from None
                if attempt == self.lock_retries:
                    raise WarehouseBusy(
                        f"{self.path} is locked by a running load or dbt build; "
                        "reload the page when it finishes"
                    ) from None
                time.sleep(self.lock_wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def query(self, sql: str) -> Rows:
        import duckdb

        con = self._connect()
        try:
            cur = con.execute(sql)
            return _rows(cur.description, cur.fetchall())
        except duckdb.CatalogException as err:
            raise WarehouseMissing(
                f"the marts are not built in {self.path} ({first_line(err)}); "
                "run `make demo` or `spoon transform`"
            ) from None
        except duckdb.Error as err:
            raise ReportingError(f"query failed on {self.path}: {first_line(err)}") from None
        finally:
            con.close()

    def has_table(self, schema: str, table: str) -> bool:
        rows = self.query(
            "select count(*) from information_schema.tables "
            f"where table_schema = '{_ident(schema)}' and table_name = '{_ident(table)}'"
        )
        return bool(rows.rows[0][0])


class SnowflakeBackend:
    """Snowflake as the read-only REPORTER role (key-pair), one connection reused."""

    name = "snowflake"

    def __init__(self, connect_args: dict[str, Any]) -> None:
        self.connect_args = connect_args
        self._con: Any = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> SnowflakeBackend:
        return cls(reporter_connect_args(settings))

    def describe(self) -> str:
        a = self.connect_args
        return f"Snowflake {a.get('database')}.{MARTS_SCHEMA.upper()} as {a.get('role')}"

    def _connection(self) -> Any:
        import snowflake.connector

        if self._con is None or self._con.is_closed():
            try:
                self._con = snowflake.connector.connect(**self.connect_args)
            except snowflake.connector.errors.Error as err:
                raise ReportingError(
                    f"cannot connect to Snowflake as {self.connect_args.get('user')}: "
                    f"{first_line(err)}; check SPOON_SNOWFLAKE_* settings and the reporter key"
                ) from None
            except (ValueError, TypeError) as err:  # the key file: wrong or missing passphrase
                raise ReportingError(
                    f"cannot read the reporter key {self.connect_args.get('private_key_file')}: "
                    f"{first_line(err)}; check SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"
                ) from None
        return self._con

    def query(self, sql: str) -> Rows:
        import snowflake.connector

        with self._lock:
            con = self._connection()
            try:
                with con.cursor() as cur:
                    cur.execute(sql)
                    return _rows(cur.description, list(cur.fetchall()))
            except snowflake.connector.errors.ProgrammingError as err:
                if "does not exist" in str(err).lower():
                    raise WarehouseMissing(
                        f"the marts are not built in Snowflake ({first_line(err)}); "
                        "run the nightly DAG or `spoon transform`"
                    ) from None
                raise ReportingError(f"Snowflake query failed: {first_line(err)}") from None

    def has_table(self, schema: str, table: str) -> bool:
        rows = self.query(
            "select count(*) from information_schema.tables "
            f"where lower(table_schema) = '{_ident(schema)}' "
            f"and lower(table_name) = '{_ident(table)}'"
        )
        return bool(rows.rows[0][0])

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


def reporter_connect_args(settings: Settings) -> dict[str, Any]:
    """snowflake.connector.connect() arguments for the REPORTER service user."""
    from spoon.names import private_key_path, snowflake_names

    if not settings.snowflake_account:
        raise ReportingError(
            "SPOON_WAREHOUSE=snowflake but SPOON_SNOWFLAKE_ACCOUNT is empty; set it in .env"
        )
    names = snowflake_names(settings)
    key = (
        settings.snowflake_reporter_private_key_path
        or private_key_path(settings, names.reporter_user)
    ).expanduser()
    if not key.is_file():
        raise ReportingError(
            f"no reporter key at {key}; run `spoon bootstrap snowflake` "
            "or set SPOON_SNOWFLAKE_REPORTER_PRIVATE_KEY_PATH"
        )
    args: dict[str, Any] = {
        "account": settings.snowflake_account,
        "user": names.reporter_user,
        "role": names.reporter_role,
        "warehouse": names.reporting_wh,
        "database": names.analytics_db,
        "schema": MARTS_SCHEMA.upper(),
        "private_key_file": str(key),
        "client_session_keep_alive": False,
        "login_timeout": 30,
        "network_timeout": 60,
        "application": "willows_spoon_dashboard",
    }
    passphrase = settings.snowflake_private_key_passphrase.get_secret_value()
    if passphrase:
        args["private_key_file_pwd"] = passphrase
    if settings.snowflake_host:
        args.update(
            host=settings.snowflake_host,
            port=settings.snowflake_port,
            protocol=settings.snowflake_protocol,
        )
    return args


def connect(settings: Settings) -> Backend:
    """The backend for `SPOON_WAREHOUSE`."""
    if settings.warehouse == "snowflake":
        return SnowflakeBackend.from_settings(settings)
    return DuckDBBackend(Path(settings.duckdb_path))


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not an identifier: {name!r}")
    return name.lower()
