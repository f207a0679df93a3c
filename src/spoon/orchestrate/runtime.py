"""Start-up helpers of the Airflow containers (`spoon airflow …`).

- `check-admin`: refuse to go on without an admin password in `.env` (airflow-init).
- `write-auth`: write the Simple auth manager's password file from `.env` (api-server);
  every start rewrites it, so changing the password in `.env` and restarting applies it.
- `env`: print `export …` lines for the connections Airflow's operators need (the
  Airbyte connection built from SPOON_AIRBYTE_*), for the entrypoint to `eval`.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

from spoon.errors import SettingsError, SpoonError
from spoon.files import atomic_write
from spoon.settings import Settings, load_settings

ADMIN_USER_VAR = "AIRFLOW_ADMIN_USER"
ADMIN_PASSWORD_VAR = "AIRFLOW_ADMIN_PASSWORD"
PASSWORDS_FILE_VAR = "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"
MIN_PASSWORD = 12
WEAK = {"admin", "airflow", "password", "changeme", "replace_me"}


def admin_credentials(environ: dict[str, str] | None = None) -> tuple[str, str]:
    env = os.environ if environ is None else environ
    user = env.get(ADMIN_USER_VAR, "").strip() or "admin"
    password = env.get(ADMIN_PASSWORD_VAR, "")
    if not password:
        raise SettingsError(
            f"{ADMIN_PASSWORD_VAR} is empty: set the Airflow admin's password in .env "
            "(there is no default)"
        )
    if len(password) < MIN_PASSWORD or password.lower() in WEAK:
        raise SettingsError(
            f"{ADMIN_PASSWORD_VAR} is too weak: use at least {MIN_PASSWORD} characters, "
            "e.g. `openssl rand -base64 24`"
        )
    return user, password


def write_auth(path: Path, environ: dict[str, str] | None = None) -> Path:
    """Write {user: password} (mode 600) where Airflow's Simple auth manager reads it."""
    user, password = admin_credentials(environ)
    return atomic_write(path, json.dumps({user: password}), permissions=0o600)


def airflow_connections(settings: Settings) -> dict[str, str]:
    """AIRFLOW_CONN_* variables (JSON form) for the production operators."""
    if settings.source != "airbyte":
        return {}
    url = settings.airbyte_url.rstrip("/")
    conn = {
        "conn_type": "airbyte",
        "host": url,
        "login": settings.airbyte_client_id,
        "password": settings.airbyte_client_secret.get_secret_value(),
        # the hook's default token URL is relative, which Airbyte answers with 404
        "schema": f"{url}/applications/token",
    }
    return {"AIRFLOW_CONN_AIRBYTE_DEFAULT": json.dumps(conn)}


def main(argv: list[str]) -> int:
    """Run one helper (`spoon airflow check-admin|write-auth|env` calls this): 0, or one line
    `error: …` on stderr (the container's log) and the error's exit code."""
    command = argv[0] if argv else ""
    try:
        if command == "check-admin":
            admin_credentials()
            print(f"{ADMIN_PASSWORD_VAR} is set")
        elif command == "write-auth":
            target = os.environ.get(PASSWORDS_FILE_VAR, "")
            if not target:
                raise SettingsError(f"{PASSWORDS_FILE_VAR} is not set; see compose.yaml")
            write_auth(Path(target))
        elif command == "env":
            for key, value in airflow_connections(load_settings()).items():
                print(f"export {key}={shlex.quote(value)}")
        else:
            print("usage: spoon airflow check-admin|write-auth|env")
            return 2
    except SpoonError as err:
        print(f"error: {err}", file=sys.stderr)
        return getattr(err, "exit_code", 1)
    return 0
