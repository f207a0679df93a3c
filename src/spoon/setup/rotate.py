"""`spoon bootstrap rotate-keys`: replace the service users' key pairs without downtime.

Snowflake holds two public keys per user, `RSA_PUBLIC_KEY` and `RSA_PUBLIC_KEY_2`; a login
with the private half of either works. A rotation is three steps:

1. `spoon bootstrap rotate-keys add`: a new pair `<USER>.next.p8` / `<USER>.next.pub` beside
   the current one (encrypted with SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE), its public half
   set as `RSA_PUBLIC_KEY_2`. Old and new keys both log in now.
2. the switch, by hand: install `<USER>.next.p8` where the service reads its key (on the VM
   `SPOON_HOST_KEYS_DIR/{dashboard,airflow}/<USER>.p8`, docs/running-on-a-vm.md) and restart
   it (`make up`); for GitHub, update the environment secret.
3. `spoon bootstrap rotate-keys drop`: the new public key becomes `RSA_PUBLIC_KEY` and
   `RSA_PUBLIC_KEY_2` is unset, so the old key no longer logs in; locally the new pair
   replaces the old (`<USER>.p8` / `<USER>.pub`), ready for the next rotation.

Each step is safe to re-run: `add` keeps a pending new pair, `drop` without one refuses.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

from spoon import names as nm
from spoon.errors import SettingsError, SpoonError
from spoon.settings import Settings
from spoon.setup.keygen import check_keys_dir, write_pair
from spoon.setup.sqlfiles import Statement

FILE = "rotate-keys"


class Step(StrEnum):
    add = "add"
    drop = "drop"


def next_paths(settings: Settings, user: str) -> tuple[Path, Path]:
    folder = nm.keys_dir(settings)
    return folder / f"{user}.next.p8", folder / f"{user}.next.pub"


def service_users(settings: Settings, users: list[str] | None) -> list[str]:
    known = list(nm.snowflake_names(settings).users)
    wanted = [u.upper() for u in users] if users else known
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        raise SettingsError(
            f"not a service user: {', '.join(unknown)}; choose from {', '.join(known)}"
        )
    return wanted


def _public(path: Path) -> str:
    return "".join(ln.strip() for ln in path.read_text().splitlines() if "-----" not in ln)


def statements(
    settings: Settings, step: Step, users: list[str] | None = None, *, make_keys: bool = True
) -> list[Statement]:
    """The statements of one step (`add` makes the pending pairs unless `make_keys` is off)."""
    sql = ["USE ROLE USERADMIN;"]
    for user in service_users(settings, users):
        private, public = next_paths(settings, user)
        if step is Step.add:
            if not private.exists() and make_keys:
                check_keys_dir(settings)
                write_pair(
                    private, public, settings.snowflake_private_key_passphrase.get_secret_value()
                )
            key = _public(public) if public.exists() else f"<new public key of {user}>"
            sql.append(f"ALTER USER {user} SET RSA_PUBLIC_KEY_2 = '{key}';")
        else:
            if not public.exists():
                raise SpoonError(
                    f"no new key for {user} at {public}; run `spoon bootstrap rotate-keys add` "
                    "first (and install the new private key before dropping the old one)"
                )
            sql.append(f"ALTER USER {user} SET RSA_PUBLIC_KEY = '{_public(public)}';")
            sql.append(f"ALTER USER {user} UNSET RSA_PUBLIC_KEY_2;")
    return [Statement(FILE, i, text) for i, text in enumerate(sql, start=1)]


def promote(settings: Settings, users: list[str] | None = None) -> list[str]:
    """After `drop` ran: the new pairs replace the old ones on disk."""
    done = []
    for user in service_users(settings, users):
        private, public = next_paths(settings, user)
        if private.exists():
            os.replace(private, nm.private_key_path(settings, user))
        if public.exists():
            os.replace(public, nm.public_key_path(settings, user))
            done.append(user)
    return done
