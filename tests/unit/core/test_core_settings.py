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


def test_one_shop_by_default_keeps_todays_namespace_and_truth_dir() -> None:
    s = load_settings()
    assert s.namespaces == ["shopify"] and not s.multi_shop
    assert s.truth_dir_of("shopify") == s.truth_dir
    assert (s.demo_profile_of("shopify"), s.demo_seed_of("shopify")) == ("us", 42)
    assert load_settings(lake_namespace="shop2").namespaces == ["shop2"]


def test_several_shops_in_listed_order_each_with_its_demo_shop(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SPOON_LAKE_NAMESPACES", " shop_us, shop_eu ,wholesale")
    monkeypatch.setenv("SPOON_TRUTH_DIR", str(tmp_path))
    s = load_settings()
    assert s.namespaces == ["shop_us", "shop_eu", "wholesale"] and s.multi_shop
    assert [s.demo_profile_of(ns) for ns in s.namespaces] == ["us", "eu", "us"]
    assert [s.demo_seed_of(ns) for ns in s.namespaces] == [42, 43, 44]
    assert [s.demo_orders_of(ns) for ns in s.namespaces] == [20_000, 2_000, 20_000]
    assert s.truth_dir_of("shop_eu") == tmp_path / "shop_eu"


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("shop_us,Shop-EU", "'Shop-EU' is not a shop handle"),
        ("shop_us,shop_us", "lists 'shop_us' twice"),
        ("shop_us,,shop_eu", "has an empty entry"),
        ("shop us", "'shop us' is not a shop handle"),
    ],
)
def test_bad_shop_list_is_one_line(
    monkeypatch: pytest.MonkeyPatch, value: str, fragment: str
) -> None:
    monkeypatch.setenv("SPOON_LAKE_NAMESPACES", value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert message.startswith("SPOON_LAKE_NAMESPACES=") and fragment in message
    assert "\n" not in message


def test_bad_single_namespace_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOON_LAKE_NAMESPACE", "../etc")
    with pytest.raises(SettingsError, match=r"^SPOON_LAKE_NAMESPACE='../etc' is invalid"):
        load_settings()
