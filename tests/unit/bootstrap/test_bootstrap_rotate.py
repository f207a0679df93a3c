"""`spoon bootstrap rotate-keys`: the second key slot, add -> (install) -> drop.

A fake admin connection records what would run on Snowflake (fakesnow has no ALTER USER);
the statements parse as Snowflake SQL, the files on disk follow each step, and the keys
are real encrypted PKCS#8 pairs whose public halves are what the statements set.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from spoon.errors import SettingsError, SpoonError
from spoon.names import private_key_path, public_key_path
from spoon.setup import rotate
from spoon.setup.keygen import generate_all
from spoon.setup.snowflake import apply

BIN = Path(sys.executable).parent


class Recorder:
    """The part of a DB-API connection `apply` uses, recording each statement."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def cursor(self) -> Any:
        outer = self

        class Cursor:
            description = None

            def execute(self, sql: str) -> None:
                outer.sql.append(sql)

            def close(self) -> None:
                pass

        return Cursor()


def _public_of(private: Path, passphrase: str) -> str:
    key = serialization.load_pem_private_key(private.read_bytes(), passphrase.encode())
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def test_add_then_drop_rotates_every_key(make_settings, tmp_path: Path) -> None:
    settings = make_settings(snowflake_private_key_passphrase="rotate-me")
    old = {p.user: p.private_path.read_bytes() for p in generate_all(settings)}

    conn = Recorder()
    apply(conn, rotate.statements(settings, rotate.Step.add))
    assert conn.sql[0] == "USE ROLE USERADMIN;"
    for user in old:
        private, public = rotate.next_paths(settings, user)
        new_key = _public_of(private, "rotate-me")  # encrypted with the passphrase
        assert public.read_text().strip() == new_key
        assert f"ALTER USER {user} SET RSA_PUBLIC_KEY_2 = '{new_key}';" in conn.sql
        assert private_key_path(settings, user).read_bytes() == old[user]  # still the current
        assert oct(private.stat().st_mode & 0o777) == "0o600"
    assert len(conn.sql) == 1 + len(old)

    # re-running `add` keeps the pending pairs (the same statements)
    again = Recorder()
    apply(again, rotate.statements(settings, rotate.Step.add))
    assert again.sql == conn.sql

    drop = Recorder()
    apply(drop, rotate.statements(settings, rotate.Step.drop))
    moved = rotate.promote(settings)
    assert sorted(moved) == sorted(old)
    for user in old:
        new_key = _public_of(private_key_path(settings, user), "rotate-me")
        assert private_key_path(settings, user).read_bytes() != old[user]
        assert public_key_path(settings, user).read_text().strip() == new_key
        i = drop.sql.index(f"ALTER USER {user} SET RSA_PUBLIC_KEY = '{new_key}';")
        assert drop.sql[i + 1] == f"ALTER USER {user} UNSET RSA_PUBLIC_KEY_2;"
        assert not any(p.exists() for p in rotate.next_paths(settings, user))

    # nothing pending: `drop` refuses rather than unsetting the only key in use
    with pytest.raises(SpoonError, match="run `spoon bootstrap rotate-keys add` first"):
        rotate.statements(settings, rotate.Step.drop)


def test_one_user_and_unknown_users(make_settings) -> None:
    settings = make_settings(env="dev")
    sts = rotate.statements(settings, rotate.Step.add, ["spoon_reporter_dev"])
    assert [s.sql.split(" SET")[0] for s in sts[1:]] == ["ALTER USER SPOON_REPORTER_DEV"]
    with pytest.raises(SettingsError, match="not a service user: SPOON_ADMIN"):
        rotate.statements(settings, rotate.Step.add, ["spoon_admin"])


def test_the_statements_parse_as_snowflake_sql(make_settings, tmp_path: Path) -> None:
    settings = make_settings()
    generate_all(settings)
    sql = [s.sql for s in rotate.statements(settings, rotate.Step.add)]
    sql += [s.sql for s in rotate.statements(settings, rotate.Step.drop)[1:]]
    path = tmp_path / "rotate.sql"
    path.write_text("\n".join(sql) + "\n")
    out = subprocess.run(
        [str(BIN / "sqlfluff"), "parse", "--dialect", "snowflake", str(path)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0 and "unparsable" not in out.stdout, out.stdout[-2000:]


def test_cli_plan_makes_no_key_and_runs_nothing(make_settings, tmp_path: Path) -> None:
    keys = tmp_path / "plan-keys"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOON_")}
    env |= {"SPOON_ENV_FILE": str(tmp_path / "no.env"), "SPOON_ENV": "prod"}
    env |= {"SPOON_SNOWFLAKE_KEYS_DIR": str(keys)}
    out = subprocess.run(
        [str(BIN / "spoon"), "bootstrap", "rotate-keys", "add", "--plan", "--user", "spoon_loader"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert "ALTER USER SPOON_LOADER SET RSA_PUBLIC_KEY_2 = '<new public key of SPOON_LOADER>';" in (
        out.stdout
    )
    assert not keys.exists()
    bad = subprocess.run(
        [str(BIN / "spoon"), "bootstrap", "rotate-keys", "swap", "--plan"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert bad.returncode != 0 and "use `add` or `drop`" in bad.stderr
