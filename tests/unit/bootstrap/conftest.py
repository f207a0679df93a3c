"""Fixtures of the bootstrap unit tests: settings for a complete production setup."""

from __future__ import annotations

from pathlib import Path

import pytest

from spoon.settings import Settings, load_settings


@pytest.fixture()
def make_settings(tmp_path: Path):
    """Settings as a newcomer's .env would give them, with keys in a temporary folder."""

    def make(**overrides: object) -> Settings:
        base: dict[str, object] = {
            "env": "prod",
            "s3_bucket": "willows-spoon-lake",
            "s3_prefix": "lake",
            "aws_account_id": "123456789012",
            "snowflake_account": "ab12345.eu-west-1",
            "snowflake_keys_dir": tmp_path / "keys",
        }
        return load_settings(**(base | overrides))

    return make
