"""`spoon bootstrap keygen` and the plan commands, through the real CLI."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from spoon.errors import SpoonError
from spoon.setup.keygen import generate, generate_all

SPOON = str(Path(sys.executable).parent / "spoon")
REPO = Path(__file__).resolve().parents[3]


def _run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SPOON_", "AWS_"))}
    base |= {
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_EC2_METADATA_DISABLED": "true",
        "SPOON_ENV_FILE": str(cwd / "no.env"),
    }
    return subprocess.run([SPOON, *args], capture_output=True, text=True, env=base | env, cwd=cwd)


def test_keygen_writes_a_private_key_only_its_owner_reads(make_settings) -> None:
    settings = make_settings(snowflake_private_key_passphrase="s3cret")
    pairs = generate_all(settings)
    assert [p.user for p in pairs] == ["SPOON_LOADER", "SPOON_TRANSFORMER", "SPOON_REPORTER"]
    for pair in pairs:
        assert pair.created
        assert stat.S_IMODE(pair.private_path.stat().st_mode) == 0o600
        key = serialization.load_pem_private_key(pair.private_path.read_bytes(), b"s3cret")
        public = pair.public_path.read_text().strip()
        assert "\n" not in public and "BEGIN" not in public
        der = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        import base64

        assert base64.b64decode(public) == der
    # idempotent: a second run keeps the keys
    again = generate_all(settings)
    assert not any(p.created for p in again)
    assert [p.private_path.read_bytes() for p in again] == [
        p.private_path.read_bytes() for p in pairs
    ]


def test_keygen_refuses_a_folder_inside_the_repository(make_settings) -> None:
    with pytest.raises(SpoonError, match="inside the repository"):
        generate(make_settings(snowflake_keys_dir=REPO / "keys"), "SPOON_LOADER")
    assert not (REPO / "keys").exists()


def test_plan_commands_need_no_credentials(tmp_path: Path) -> None:
    env = {
        "SPOON_ENV": "prod",
        "SPOON_S3_BUCKET": "willows-spoon-lake",
        "SPOON_AWS_ACCOUNT_ID": "123456789012",
        "SPOON_SNOWFLAKE_KEYS_DIR": str(tmp_path / "k"),
    }
    sf = _run("bootstrap", "snowflake", "--plan", env=env, cwd=tmp_path)
    assert sf.returncode == 0, sf.stderr
    assert "CREATE PIPE IF NOT EXISTS RAW.RAW.ORDERS_PIPE" in sf.stdout
    assert sf.stdout.count(";\n") >= 90
    assert "missing public keys" in sf.stderr and "spoon bootstrap keygen" in sf.stderr
    aws = _run("bootstrap", "aws", "--plan", env=env, cwd=tmp_path)
    assert aws.returncode == 0, aws.stderr
    assert "+ s3://willows-spoon-lake: bucket in us-east-1" in aws.stdout
    assert "no AWS credentials found" in aws.stderr


def test_plan_says_which_setting_is_missing(tmp_path: Path) -> None:
    for command in ("snowflake", "aws"):
        out = _run("bootstrap", command, "--plan", env={}, cwd=tmp_path)
        assert out.returncode == 2
        assert "SPOON_S3_BUCKET, SPOON_AWS_ACCOUNT_ID not set" in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1


def test_apply_without_an_account_says_so(tmp_path: Path) -> None:
    env = {
        "SPOON_S3_BUCKET": "willows-spoon-lake",
        "SPOON_AWS_ACCOUNT_ID": "123456789012",
        "SPOON_SNOWFLAKE_KEYS_DIR": str(tmp_path / "k"),
    }
    assert _run("bootstrap", "keygen", env=env, cwd=tmp_path).returncode == 0
    out = _run("bootstrap", "snowflake", env=env, cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.startswith(
        "error: SPOON_SNOWFLAKE_ACCOUNT, SPOON_SNOWFLAKE_ADMIN_USER not set"
    )
    assert len(out.stderr.strip().splitlines()) == 1
