"""The fake Airbyte API refuses what Airbyte would: a connector configuration its spec
refuses, a stream source-shopify does not have, a sync mode the stream does not support.
`spoon airbyte apply` shows the refusal in one readable line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from spoon.extract.airbyte.client import AirbyteError
from spoon.setup.airbyte.cli import app

Edit = Callable[[dict[str, Any]], None]


def _edit(definitions_dir: Path, name: str, edit: Edit) -> None:
    path = definitions_dir / name
    doc = yaml.safe_load(path.read_text())
    edit(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def _stream(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in doc["configurations"]["streams"] if s["name"] == name)


def _apply(definitions_dir: Path) -> Any:
    return CliRunner().invoke(app, ["apply", "--dir", str(definitions_dir)])


REFUSED: dict[str, tuple[str, Edit, str]] = {
    "destination field typo": (
        "destination-s3.yaml",
        lambda d: d["configuration"].update(s3_bucket_nmae="willows-lake"),
        "destination-s3's spec: (top level): Additional properties are not allowed "
        "('s3_bucket_nmae' was unexpected)",
    ),
    "destination nested value": (
        "destination-s3.yaml",
        lambda d: d["configuration"]["format"].update(compression_codec="snappy"),
        "destination-s3's spec: format.compression_codec: 'snappy' is not one of",
    ),
    "source required field": (
        "source-shopify.yaml",
        lambda d: d["configuration"].pop("shop"),
        "source-shopify's spec: (top level): 'shop' is a required property",
    ),
    "source wrong type": (
        "source-shopify.yaml",
        lambda d: d["configuration"].update(bulk_window_in_days="30"),
        "source-shopify's spec: bulk_window_in_days: '30' is not of type 'integer'",
    ),
    "source bad date": (
        "source-shopify.yaml",
        lambda d: d["configuration"].update(start_date="01/01/2024"),
        "source-shopify's spec: start_date: '01/01/2024' is not a 'date'",
    ),
    "stream not in the catalog": (
        "connection-shopify-to-s3.yaml",
        lambda d: _stream(d, "order_refunds").update(name="refunds"),
        "stream 'refunds' is not in the source's catalog",
    ),
    "incremental without a cursor": (
        "connection-shopify-to-s3.yaml",
        lambda d: _stream(d, "locations").update(syncMode="incremental_append"),
        "stream 'locations' does not support incremental_append (only full_refresh)",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_apply_shows_what_the_connector_refuses(
    fake_airbyte: Any, definitions_dir: Path, case: str
) -> None:
    name, edit, message = REFUSED[case]
    _edit(definitions_dir, name, edit)
    result = _apply(definitions_dir)
    assert isinstance(result.exception, AirbyteError), result.output
    error = str(result.exception)
    assert "(422)" in error and message in error, error
    assert "\n" not in error


def test_an_update_is_checked_against_the_spec_too(
    fake_airbyte: Any, definitions_dir: Path
) -> None:
    """A PATCH is validated as the stored configuration would become (secrets kept)."""
    assert _apply(definitions_dir).exit_code == 0
    _edit(
        definitions_dir,
        "source-shopify.yaml",
        lambda d: d["configuration"]["credentials"].update(auth_method="password"),
    )
    result = _apply(definitions_dir)
    assert isinstance(result.exception, AirbyteError), result.output
    assert "update source 'shopify' (422)" in str(result.exception)
    (source,) = fake_airbyte.fake.sources.values()
    assert source["configuration"]["credentials"]["auth_method"] == "api_password"


def test_deduped_history_is_accepted_where_the_stream_has_a_primary_key(
    fake_airbyte: Any, definitions_dir: Path
) -> None:
    _edit(
        definitions_dir,
        "connection-shopify-to-s3.yaml",
        lambda d: _stream(d, "orders").update(syncMode="incremental_deduped_history"),
    )
    assert _apply(definitions_dir).exit_code == 0


def test_the_server_fills_each_streams_cursor_and_key_from_the_catalog(
    fake_airbyte: Any, definitions_dir: Path
) -> None:
    assert _apply(definitions_dir).exit_code == 0
    (conn,) = fake_airbyte.fake.connections.values()
    streams = {s["name"]: s for s in conn["configurations"]["streams"]}
    cursors = {name: s.get("cursorField") for name, s in streams.items()}
    assert cursors == {
        "shop": None,
        "locations": None,
        "customers": ["updated_at"],
        "products": ["updated_at"],
        "product_variants": ["updated_at"],
        "orders": ["updated_at"],
        "order_refunds": ["created_at"],
        "transactions": ["created_at"],
        "order_agreements": ["updated_at"],
    }
    assert {str(s["primaryKey"]) for s in streams.values()} == {"[['id']]"}
