"""The PyAirbyte extract's checks that need no connector: settings, state, error lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.airbyte_env import DEFINITION_VARS

from spoon.extract.pyairbyte import (
    STREAMS,
    ShopifyExtractError,
    _last_error,
    extract_shopify,
    load_state,
    save_state,
    source_config,
)
from spoon.load.lake import Lake
from spoon.settings import load_settings, repo_path
from spoon.setup.airbyte.definitions import load_definitions


def test_streams_are_the_connections_streams() -> None:
    conn = load_definitions(repo_path("airbyte"), DEFINITION_VARS).connections["shopify-to-s3"]
    assert tuple(s["name"] for s in conn.body["configurations"]["streams"]) == STREAMS


def test_source_config_needs_shop_and_token() -> None:
    with pytest.raises(ShopifyExtractError, match="SPOON_SHOPIFY_SHOP is not set"):
        source_config(load_settings(shopify_access_token="x"))
    with pytest.raises(ShopifyExtractError, match="SPOON_SHOPIFY_ACCESS_TOKEN is not set"):
        source_config(load_settings(shopify_shop="x"))
    cfg = source_config(load_settings(shopify_shop="x", shopify_access_token="t"))
    assert cfg["credentials"] == {"auth_method": "api_password", "api_password": "t"}
    assert cfg["start_date"] == "2024-01-01"


def test_state_round_trip_outside_the_namespace(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path / "lake"))
    assert load_state(lake, "shopify") == []
    state = [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "orders"}}}]
    path = save_state(lake, "shopify", state)
    assert load_state(lake, "shopify") == state
    assert Path(path).parent == tmp_path / "lake" / "_spoon" / "shopify"
    assert lake.list_files("shopify") == []  # the loader never sees it
    Path(path).write_text("{not json")
    with pytest.raises(ShopifyExtractError, match="delete it"):
        load_state(lake, "shopify")


def test_missing_pyairbyte_venv_is_explained(tmp_path: Path) -> None:
    s = load_settings(
        shopify_shop="x",
        shopify_access_token="t",
        lake_url=str(tmp_path / "lake"),
        pyairbyte_python=str(tmp_path / "nowhere" / "bin" / "python"),
    )
    with pytest.raises(ShopifyExtractError, match="make pyairbyte-venv"):
        extract_shopify(s)
    assert not (tmp_path / "lake").exists()


def test_error_line_prefers_the_connectors_stream_errors() -> None:
    log = "\n".join(
        [
            "INFO: reading",
            "ERROR: During the sync, the following streams did not sync successfully: ",
            "products: BulkJobResultUrlError('Could not extract the `filename` from ",
            "    raise exc.AirbyteConnectorFailedError(",
            "RUNNER-ERROR: AirbyteConnectorFailedError: Connector failed.",
        ]
    )
    assert _last_error(log).startswith("streams failed: products: BulkJobResultUrlError")
    assert _last_error("x\nRUNNER-ERROR: boom") == "boom"


def test_each_shop_has_its_own_shop_token_and_state(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Several shops: each shop's config comes from its own SPOON_SHOPIFY_*_<NS> (in .env
    or the environment); a shop never borrows the default shop's token."""
    env = tmp_path / "shops.env"
    env.write_text(
        "SPOON_SHOPIFY_SHOP_SHOP_EU=willows-spoon-berlin\nSPOON_SHOPIFY_ACCESS_TOKEN_SHOP_EU=eu\n"
    )
    monkeypatch.setenv("SPOON_ENV_FILE", str(env))
    monkeypatch.setenv("SPOON_SHOPIFY_SHOP_SHOP_US", "willows-spoon")
    s = load_settings(lake_namespaces="shop_us,shop_eu", shopify_access_token="default")
    eu = source_config(s, "shop_eu")
    assert (eu["shop"], eu["credentials"]["api_password"]) == ("willows-spoon-berlin", "eu")
    assert eu["start_date"] == "2024-01-01"
    monkeypatch.setenv("SPOON_SHOPIFY_START_DATE_SHOP_EU", "2025-02-01")
    assert source_config(s, "shop_eu")["start_date"] == "2025-02-01"
    monkeypatch.setenv("SPOON_SHOPIFY_START_DATE_SHOP_EU", "02/01/2025")
    with pytest.raises(ShopifyExtractError, match=r"START_DATE_SHOP_EU='02/01/2025' is not a"):
        source_config(s, "shop_eu")
    monkeypatch.delenv("SPOON_SHOPIFY_START_DATE_SHOP_EU")
    with pytest.raises(ShopifyExtractError, match=r"^SPOON_SHOPIFY_ACCESS_TOKEN_SHOP_US is not"):
        source_config(s, "shop_us")
    one = load_settings(
        lake_namespaces="shopify,shop_eu", shopify_shop="x", shopify_access_token="t"
    )
    assert source_config(one, "shopify")["shop"] == "x"  # the default shop keeps its settings
    lake = Lake(str(tmp_path / "lake"))
    save_state(lake, "shop_eu", [{"type": "GLOBAL"}])
    assert load_state(lake, "shop_us") == [] and load_state(lake, "shop_eu") == [{"type": "GLOBAL"}]
