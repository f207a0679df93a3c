"""Local stand-ins started as processes: moto (S3/IAM) and fakesnow (Snowflake), and the
settings that point the Snowflake code at a fakesnow server."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from spoon.settings import Settings, load_settings
from support.ports import free_port, wait_for_port

VENV_BIN = Path(sys.executable).parent
#: run as a script by path (`python -m` would put the working directory, the repo root,
#: on sys.path, and its snowflake/ folder would shadow the connector)
FAKESNOW_S3 = Path(__file__).resolve().parent / "fakesnow_s3.py"

#: What fakesnow 0.12 cannot execute. These statements are checked by sqlfluff (unit
#: tests) and skipped by kind; everything else must run, and no error is swallowed. With
#: fakesnow_s3.py, CREATE PIPE runs on its Snowpipe stand-in (snowpipe_standin.py).
FAKESNOW_CANNOT_RUN = frozenset(
    {
        "CREATE ROLE",
        "GRANT",
        "CREATE WAREHOUSE",
        "ALTER WAREHOUSE",
        "CREATE RESOURCE MONITOR",
        "ALTER RESOURCE MONITOR",
        "CREATE STORAGE INTEGRATION",
        "ALTER STORAGE INTEGRATION",
        "CREATE PIPE",
        "CREATE USER",
        "ALTER USER",
        "ALTER SCHEMA",  # ENABLE MANAGED ACCESS
        "CREATE MASKING POLICY",
        "ALTER MASKING POLICY",
        "ALTER TABLE",  # SET MASKING POLICY
        "CREATE NETWORK POLICY",
        "ALTER NETWORK POLICY",
    }
)


@contextmanager
def serving(
    cmd: list[str],
    port: int,
    log: IO[bytes] | int = subprocess.DEVNULL,
    env: dict[str, str] | None = None,
) -> Iterator[int]:
    """Run the server `cmd` (which listens on `port`) for the block; stop it after."""
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for_port(port, proc, timeout=60.0)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextmanager
def moto_server(**env: str) -> Iterator[str]:
    """A moto S3/IAM server (server mode), with `env` on top of ours (moto's own settings);
    yields its endpoint URL."""
    port = free_port()
    cmd = [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    with serving(cmd, port, env={**os.environ, **env} if env else None):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def fakesnow_server(
    s3_endpoint: str | None = None, log: IO[bytes] | int = subprocess.DEVNULL
) -> Iterator[int]:
    """A fakesnow server; yields its port. With `s3_endpoint`, its S3 stages are read from
    that (moto) endpoint (support/fakesnow_s3.py); without, it is fakesnow as shipped."""
    port = free_port()
    if s3_endpoint is None:
        cmd = [str(VENV_BIN / "fakesnow"), "-s", "--host", "127.0.0.1", "-p", str(port)]
    else:
        cmd = [sys.executable, str(FAKESNOW_S3), str(port), s3_endpoint]
    with serving(cmd, port, log):
        yield port


def fakesnow_settings(port: int, keys_dir: Path, *, admin: bool = True, **extra: Any) -> Settings:
    """Settings whose Snowflake is the fakesnow server on `port`, with the key pairs under
    `keys_dir`, plus `extra` (load_settings keywords). With `admin` (the default), its admin
    logs in with a password (fakesnow takes any); without, no admin is set."""
    admin_login = (
        {
            "snowflake_admin_user": "admin",
            "snowflake_admin_authenticator": "snowflake",
            "snowflake_admin_password": "snow",
        }
        if admin
        else {}
    )
    return load_settings(
        snowflake_account="fakesnow",
        **admin_login,
        snowflake_host="127.0.0.1",
        snowflake_port=port,
        snowflake_protocol="http",
        snowflake_keys_dir=keys_dir,
        **extra,
    )


def fakesnow_connection(port: int, **kwargs: Any) -> Any:
    """A plain snowflake.connector connection to the fakesnow server on `port` (it takes any
    user and password); `kwargs` go to connect() on top (database, schema, timeouts...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import snowflake.connector

    login = {
        "account": "fakesnow",
        "user": "fake",
        "password": "snow",
        "host": "127.0.0.1",
        "port": port,
        "protocol": "http",
    }
    return snowflake.connector.connect(**(login | kwargs))
