"""Snowflake connections from settings: the admin (bootstrap only) and key-pair service users."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from spoon import names as nm
from spoon.errors import SettingsError, SpoonError, first_line
from spoon.settings import Settings


def _base(settings: Settings) -> dict[str, Any]:
    nm.require(settings, "snowflake_account", why="which Snowflake account to use")
    kwargs: dict[str, Any] = {
        "account": settings.snowflake_account,
        "login_timeout": 60,
        "network_timeout": 120,
        "client_session_keep_alive": False,
        "session_parameters": {"QUERY_TAG": "willows_spoon", "TIMEZONE": "UTC"},
    }
    kwargs.update(endpoint(settings))
    return kwargs


def endpoint(settings: Settings) -> dict[str, Any]:
    """The connector's host, port and protocol when SPOON_SNOWFLAKE_HOST is set (a proxy or
    a local fakesnow server), else nothing: Snowflake's own endpoint. For every connection
    built from the settings (the dashboard's backend can use it too)."""
    if not settings.snowflake_host:
        return {}
    return {
        "host": settings.snowflake_host,
        "port": settings.snowflake_port,
        "protocol": settings.snowflake_protocol,
    }


def load_private_key(path: Path, passphrase: str = "") -> bytes:
    """A PKCS#8 PEM private key as the DER bytes the connector takes."""
    from cryptography.hazmat.primitives import serialization

    path = path.expanduser()
    if not path.exists():
        raise SettingsError(
            f"no private key at {path}; run `spoon bootstrap keygen` or fix the key path setting"
        )
    try:
        key = serialization.load_pem_private_key(
            path.read_bytes(), password=passphrase.encode() if passphrase else None
        )
    except (ValueError, TypeError) as err:
        raise SettingsError(
            f"cannot read private key {path}: {err}; check SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"
        ) from None
    return key.private_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def _connect(kwargs: dict[str, Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import snowflake.connector
    try:
        return snowflake.connector.connect(**kwargs)
    except snowflake.connector.errors.Error as err:
        raise SpoonError(
            f"cannot connect to Snowflake account {kwargs.get('account')!r} as "
            f"{kwargs.get('user')!r}: {first_line(err)}; check the SPOON_SNOWFLAKE_* settings"
        ) from None


def connect_admin(settings: Settings) -> Any:
    """Your own login (SYSADMIN, SECURITYADMIN, USERADMIN and ACCOUNTADMIN), bootstrap only."""
    nm.require(
        settings,
        "snowflake_account",
        "snowflake_admin_user",
        why="the account and the admin login that runs the bootstrap",
    )
    kwargs = _base(settings) | {"user": settings.snowflake_admin_user}
    auth = settings.snowflake_admin_authenticator
    if settings.snowflake_admin_private_key_path:
        kwargs["private_key"] = load_private_key(
            settings.snowflake_admin_private_key_path,
            settings.snowflake_private_key_passphrase.get_secret_value(),
        )
    elif auth.lower() == "snowflake":
        if not settings.snowflake_admin_password.get_secret_value():
            raise SettingsError(
                "SPOON_SNOWFLAKE_ADMIN_PASSWORD not set (SPOON_SNOWFLAKE_ADMIN_AUTHENTICATOR="
                "snowflake); set it, or use externalbrowser or an admin key pair"
            )
        kwargs["password"] = settings.snowflake_admin_password.get_secret_value()
    else:
        kwargs["authenticator"] = auth
    return _connect(kwargs)


def connect_service(
    settings: Settings, *, user: str, key_path: Path, role: str, warehouse: str
) -> Any:
    """A service user with RSA key-pair authentication (no password)."""
    kwargs = _base(settings) | {
        "user": user,
        "role": role,
        "warehouse": warehouse,
        "private_key": load_private_key(
            key_path, settings.snowflake_private_key_passphrase.get_secret_value()
        ),
    }
    return _connect(kwargs)


def connect_loader(settings: Settings) -> Any:
    """The load step's connection: the LOADER service user on the LOADING warehouse."""
    names = nm.snowflake_names(settings)
    return connect_service(
        settings,
        user=names.loader_user,
        key_path=nm.loader_key_path(settings),
        role=names.loader_role,
        warehouse=names.loading_wh,
    )


def connect_transformer(settings: Settings) -> Any:
    """dbt's identity: the TRANSFORMER service user on the TRANSFORMING warehouse."""
    names = nm.snowflake_names(settings)
    return connect_service(
        settings,
        user=names.transformer_user,
        key_path=nm.transformer_key_path(settings),
        role=names.transformer_role,
        warehouse=names.transforming_wh,
    )
