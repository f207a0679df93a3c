"""Settings: every variable documented, bad values rejected with one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spoon.errors import SettingsError
from spoon.settings import SECRET_FIELDS, Settings, load_settings

REPO = Path(__file__).resolve().parents[3]


def test_env_example_lists_every_setting_with_placeholders_only() -> None:
    text = (REPO / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?(SPOON_[A-Z0-9_]+)=", text, flags=re.M))
    expected = {f"SPOON_{name.upper()}" for name in Settings.model_fields}
    assert expected <= listed, f"missing from .env.example: {sorted(expected - listed)}"
    for name in SECRET_FIELDS:
        value = re.search(rf"^SPOON_{name.upper()}=(.*)$", text, flags=re.M).group(1)  # type: ignore[union-attr]
        assert value in ("", "replace_me") or "replace_me" in value, name


def test_env_file_is_ignored_by_git() -> None:
    ignored = (REPO / ".gitignore").read_text().splitlines()
    assert ".env" in ignored and "!.env.example" in ignored


def test_defaults_are_embedded() -> None:
    s = load_settings()
    assert (s.warehouse, s.source, s.target) == ("duckdb", "demo", "dev")
    assert s.dbt_project_dir.name == "dbt"


@pytest.mark.parametrize(
    "var, value, fragment",
    [
        ("SPOON_WAREHOUSE", "oracle", "SPOON_WAREHOUSE='oracle' is invalid"),
        ("SPOON_DEMO_ORDERS", "many", "SPOON_DEMO_ORDERS='many' is invalid"),
        ("SPOON_LAKE_URL", "ftp://x/y", "SPOON_LAKE_URL='ftp://x/y' is invalid"),
        ("SPOON_DEMO_START", "2025-13-01", "SPOON_DEMO_START"),
        ("SPOON_DEMO_PROFILE", "fr", "SPOON_DEMO_PROFILE='fr' is invalid: Input should be 'us' or"),
    ],
)
def test_bad_setting_is_one_line(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = tmp_path / "x.env"
    env.write_text("SPOON_DEMO_ORDERS=123\nSPOON_WAREHOUSE=snowflake\n")
    monkeypatch.setenv("SPOON_ENV_FILE", str(env))
    monkeypatch.chdir(tmp_path)
    import importlib

    import spoon.settings as mod

    importlib.reload(mod)
    try:
        s = mod.load_settings()
        assert (s.demo_orders, s.warehouse, s.target) == (123, "snowflake", "prod")
    finally:
        monkeypatch.delenv("SPOON_ENV_FILE")
        importlib.reload(mod)


def test_demo_orders_default_to_the_profiles_size(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().demo_order_count == 20_000
    assert load_settings(demo_profile="eu").demo_order_count == 2_000
    monkeypatch.setenv("SPOON_DEMO_PROFILE", "eu")
    monkeypatch.setenv("SPOON_DEMO_ORDERS", "123")
    s = load_settings()
    assert (s.demo_profile, s.demo_order_count) == ("eu", 123)
