"""The definitions in airbyte/: they load, resolve `${VAR}` and match the connectors' specs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from support.airbyte_env import DEFINITION_VARS

from spoon.settings import repo_path
from spoon.setup.airbyte.definitions import DefinitionError, load_definitions, resolve

SUPPORT = Path(__file__).resolve().parents[2] / "support"


@pytest.fixture()
def defs() -> Any:
    return load_definitions(repo_path("airbyte"), DEFINITION_VARS)


def test_the_three_definitions_load(defs: Any) -> None:
    assert list(defs.sources) == ["shopify"]
    assert list(defs.destinations) == ["s3-lake"]
    assert list(defs.connections) == ["shopify-to-s3"]
    src = defs.sources["shopify"]
    assert src.configuration["credentials"]["api_password"] == "shpat_test_token"
    assert src.secrets == {"configuration.credentials.api_password"}
    dest = defs.destinations["s3-lake"]
    assert dest.secrets == {"configuration.access_key_id", "configuration.secret_access_key"}


def test_secrets_are_only_references() -> None:
    """Every secret-looking value in the YAML files is a ${...} reference."""
    import yaml

    def walk(node: Any, key: str = "") -> list[tuple[str, Any]]:
        if isinstance(node, dict):
            return [x for k, v in node.items() for x in walk(v, str(k))]
        return [(key, node)]

    for path in repo_path("airbyte").glob("*.yaml"):
        for key, value in walk(yaml.safe_load(path.read_text())):
            if any(w in key for w in ("password", "secret", "token", "access_key")):
                assert isinstance(value, str) and value.startswith("${"), (path.name, key)


def test_source_matches_source_shopify_spec(defs: Any, shopify_spec: dict[str, Any]) -> None:
    schema = shopify_spec["connectionSpecification"]
    config = {k: v for k, v in defs.sources["shopify"].configuration.items() if k != "sourceType"}
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(config)
    # and every key we set is one the connector knows
    assert set(config) <= set(schema["properties"])
    # a wrong value is caught by the same check (the test can fail)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate({**config, "start_date": "01/01/2024"})


def test_streams_and_sync_modes_match_the_connector(
    defs: Any, shopify_streams: dict[str, dict[str, Any]]
) -> None:
    streams = defs.connections["shopify-to-s3"].body["configurations"]["streams"]
    assert {s["name"] for s in streams} == set(shopify_streams)
    for s in streams:
        known = shopify_streams[s["name"]]
        want = "incremental_append" if known["incremental"] else "full_refresh_append"
        assert s["syncMode"] == want, s["name"]
    # which streams source-shopify reads through the GraphQL BULK API (see docs/airbyte.md)
    bulk = {name for name, k in shopify_streams.items() if k["api"] == "bulk"}
    assert bulk == {"products", "product_variants", "transactions", "order_agreements"}


def test_destination_matches_destination_s3_fields(defs: Any) -> None:
    """destination-s3 is a JVM connector with no Python package: check against the fields
    of its published spec that we use (restated in tests/support/destination_s3_fields.json,
    which the fake Airbyte API validates against too)."""
    schema = json.loads((SUPPORT / "destination_s3_fields.json").read_text())
    config = {
        k: v
        for k, v in defs.destinations["s3-lake"].configuration.items()
        if k != "destinationType"
    }
    jsonschema.validate(config, schema)
    assert (
        config["s3_path_format"] == "${NAMESPACE}/${STREAM_NAME}/${YEAR}_${MONTH}_${DAY}_${EPOCH}_"
    )


def test_the_fakes_source_shopify_catalog_is_the_connectors(
    shopify_catalog: dict[str, Any], shopify_spec: dict[str, Any]
) -> None:
    """The fake Airbyte API validates against tests/support/source_shopify_catalog.json:
    it must be what the installed source-shopify says (source_shopify_catalog.py rewrites it)."""
    stored = json.loads((SUPPORT / "source_shopify_catalog.json").read_text())
    assert stored == shopify_catalog, "stale: regenerate it as source_shopify_catalog.py says"
    assert stored["spec"] == shopify_spec["connectionSpecification"]
    assert stored["streams"]["locations"]["supported_sync_modes"] == ["full_refresh"]


def test_connection_has_no_schedule_and_the_lake_namespace(defs: Any) -> None:
    body = defs.connections["shopify-to-s3"].body
    assert body["schedule"] == {"scheduleType": "manual"}
    assert body["namespaceFormat"] == "shopify"
    custom = load_definitions(
        repo_path("airbyte"), {**DEFINITION_VARS, "SPOON_LAKE_NAMESPACE": "shop2"}
    )
    assert custom.connections["shopify-to-s3"].body["namespaceFormat"] == "shop2"


def test_missing_variable_is_named() -> None:
    env = {k: v for k, v in DEFINITION_VARS.items() if k != "SPOON_SHOPIFY_ACCESS_TOKEN"}
    with pytest.raises(DefinitionError, match=r"SPOON_SHOPIFY_ACCESS_TOKEN.*not set"):
        load_definitions(repo_path("airbyte"), env)


def test_resolve_defaults_and_escapes() -> None:
    value, used = resolve(
        {"a": "${X:-dflt}", "b": "$${KEEP}/${Y}", "c": [1, "${Y}"]}, {"Y": "y"}, "t.yaml"
    )
    assert value == {"a": "dflt", "b": "${KEEP}/y", "c": [1, "y"]}
    assert used == {"a", "b", "c[1]"}


def test_bad_files_are_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("kind: sauce\nname: x\n")
    with pytest.raises(DefinitionError, match=r"a\.yaml: `kind` must be one of"):
        load_definitions(tmp_path, {})
    (tmp_path / "a.yaml").write_text(
        "kind: connection\nname: c\nsource: nope\ndestination: d\nconfigurations: {}\n"
    )
    with pytest.raises(DefinitionError, match="source 'nope' is not defined"):
        load_definitions(tmp_path, {})


def test_one_source_and_connection_per_shop_each_into_its_namespace() -> None:
    env = {
        **DEFINITION_VARS,
        "SPOON_LAKE_NAMESPACES": "shopify,shop_eu",
        "SPOON_SHOPIFY_SHOP_SHOP_EU": "willows-spoon-berlin",
        "SPOON_SHOPIFY_ACCESS_TOKEN_SHOP_EU": "shpat_eu",
        "SPOON_SHOPIFY_START_DATE_SHOP_EU": "2025-01-01",
    }
    defs = load_definitions(repo_path("airbyte"), env)
    assert list(defs.sources) == ["shopify", "shopify-shop_eu"]
    assert list(defs.connections) == ["shopify-to-s3", "shopify-to-s3-shop_eu"]
    assert list(defs.destinations) == ["s3-lake"]  # one lake for every shop
    us, eu = defs.sources["shopify"].configuration, defs.sources["shopify-shop_eu"].configuration
    assert (us["shop"], us["credentials"]["api_password"]) == ("willows-spoon", "shpat_test_token")
    assert (eu["shop"], eu["credentials"]["api_password"]) == ("willows-spoon-berlin", "shpat_eu")
    assert (us["start_date"], eu["start_date"]) == ("2024-01-01", "2025-01-01")
    conn = defs.connections["shopify-to-s3-shop_eu"].body
    assert (conn["source"], conn["destination"]) == ("shopify-shop_eu", "s3-lake")
    assert conn["namespaceFormat"] == "shop_eu"
    assert defs.connections["shopify-to-s3"].body["namespaceFormat"] == "shopify"
    assert defs.sources["shopify-shop_eu"].secrets == {"configuration.credentials.api_password"}


def test_a_shop_without_its_own_credentials_is_named() -> None:
    """Another shop never borrows the default shop's token: its own variable is named."""
    env = {**DEFINITION_VARS, "SPOON_LAKE_NAMESPACES": "shop_us,shop_eu"}
    with pytest.raises(DefinitionError) as err:
        load_definitions(repo_path("airbyte"), env)
    message = str(err.value)
    assert "source-shopify.yaml (shop shop_us)" in message
    assert "${SPOON_SHOPIFY_SHOP_SHOP_US}, which is not set" in message
