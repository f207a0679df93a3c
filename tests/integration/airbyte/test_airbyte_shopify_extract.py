"""`spoon extract --source shopify` (source-shopify through PyAirbyte) against a fake Shopify
Admin API on 127.0.0.1, then `spoon load` and `spoon transform` on the lake it wrote.

The connector runs unchanged; `redirect/sitecustomize.py` sends its HTTPS requests for
*.myshopify.com to the fake. The shop's dates are relative to today, so the BULK streams
need only one or two date windows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from support import fake_shopify as fs

from spoon.settings import repo_path

SPOON = str(Path(sys.executable).parent / "spoon")
pytestmark = pytest.mark.slow


START = (datetime.now(UTC) - timedelta(days=20)).replace(hour=0, minute=0, second=0, microsecond=0)


@pytest.fixture(scope="module")
def shop() -> Iterator[Any]:
    if not repo_path(".venv-pyairbyte", "bin", "source-shopify").exists():
        pytest.fail("the PyAirbyte venv is missing: run `make pyairbyte-venv`")
    fake = fs.FakeShopify(fs.small_shop(START, orders=12), token="shpat_fake")
    with fs.FakeShopifyServer(fake) as server:
        yield server


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, shop: Any) -> dict[str, str]:
    root = tmp_path_factory.mktemp("shopify-extract")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOON_")}
    env.update(
        {
            "SPOON_ENV_FILE": str(root / "none.env"),
            "SPOON_SOURCE": "shopify",
            "SPOON_SHOPIFY_SHOP": "willows-spoon",
            "SPOON_SHOPIFY_ACCESS_TOKEN": "shpat_fake",
            "SPOON_SHOPIFY_START_DATE": (START - timedelta(days=10)).date().isoformat(),
            "SPOON_LAKE_URL": str(root / "lake"),
            "SPOON_DUCKDB_PATH": str(root / "warehouse.duckdb"),
            # test only: the connector's HTTP goes to the fake (and the spoon package under
            # test stays first on the path, when PYTHONPATH points at a checkout's src)
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(fs.REDIRECT_DIR), os.environ.get("PYTHONPATH", "")) if p
            ),
            "SPOON_TEST_SHOPIFY_URL": shop.url,
        }
    )
    return env


def spoon(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    out = subprocess.run([SPOON, *args], env=env, capture_output=True, text=True, timeout=600)
    if check and out.returncode != 0:
        raise AssertionError(f"spoon {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out


def lake_records(env: dict[str, str], stream: str) -> dict[str, list[dict[str, Any]]]:
    """Records per file name of one stream."""
    folder = Path(env["SPOON_LAKE_URL"]) / "shopify" / stream
    if not folder.exists():
        return {}
    return {p.name: pq.read_table(p).to_pylist() for p in sorted(folder.glob("*.parquet"))}


def test_first_run_writes_contract_1(workspace: dict[str, str], shop: Any) -> None:
    out = spoon(workspace, "extract", "--source", "shopify")
    assert "extract (shopify)" in out.stdout
    lake = Path(workspace["SPOON_LAKE_URL"])
    streams = sorted(p.name for p in (lake / "shopify").iterdir())
    # every stream with records; no refunds yet, so no order_refunds file
    assert streams == [
        "customers",
        "locations",
        "order_agreements",
        "orders",
        "product_variants",
        "products",
        "shop",
        "transactions",
    ]
    orders = [r for rows in lake_records(workspace, "orders").values() for r in rows]
    assert sorted(r["id"] for r in orders) == [20_000 + n for n in range(12)]
    first = orders[0]
    assert {"_airbyte_raw_id", "_airbyte_extracted_at", "_airbyte_generation_id"} <= set(first)
    # fulfillments as Shopify sends them: `{}` origin and receipt (a struct of nulls; the
    # schemaless receipt as JSON text)
    fulfilled = [o for o in orders if o["fulfillments"]]
    assert len(fulfilled) == 6
    for o in fulfilled:
        (f,) = o["fulfillments"]
        assert f["receipt"] == "{}" and set(f["origin_address"].values()) == {None}
        assert [ln["id"] for ln in f["line_items"]] == [ln["id"] for ln in o["line_items"]]
    assert first["_airbyte_meta"]["changes"] == []
    assert first["line_items"][0]["price_set"]["shop_money"]["currency_code"] == "USD"
    variants = [r for rows in lake_records(workspace, "product_variants").values() for r in rows]
    assert sorted(v["id"] for v in variants) == [900, 901, 910, 911]
    assert {v["product_id"] for v in variants} == {500, 501}
    products = [r for rows in lake_records(workspace, "products").values() for r in rows]
    assert sorted((p["id"], p["title"]) for p in products) == [
        (500, "Wooden Spoon"),
        (501, "Gift Card"),
    ]
    transactions = [r for rows in lake_records(workspace, "transactions").values() for r in rows]
    assert len(transactions) == 12 and {t["order_id"] for t in transactions} == {
        o["id"] for o in orders
    }
    # GraphQL-era shapes: uppercase kinds, receipt a JSON string, amount_set
    assert {(t["kind"], t["status"]) for t in transactions} == {("SALE", "SUCCESS")}
    assert all(json.loads(t["receipt"])["gateway"] == "shopify_payments" for t in transactions)
    assert all(t["amount_set"]["shop_money"]["amount"] == t["amount"] for t in transactions)
    ledger = {
        r["id"]: r for rows in lake_records(workspace, "order_agreements").values() for r in rows
    }
    assert sorted(ledger) == sorted(o["id"] for o in orders)
    # the ledger agrees with the order: one ORDER agreement, a PRODUCT sale per line with tax
    # on top and the line's discount, a SHIPPING sale; amounts as numbers, ids resolved
    by_id = {o["id"]: o for o in orders}
    for oid, rec in ledger.items():
        order = by_id[oid]
        assert rec["admin_graphql_api_id"] == f"gid://shopify/Order/{oid}"
        assert rec["shop_url"] and rec["updated_at"]
        (agreement,) = rec["agreements"]
        assert agreement["reason"] == "ORDER" and agreement["happened_at"].endswith("+00:00")
        sales = agreement["sales"]
        assert {s["action_type"] for s in sales} == {"ORDER"}
        total = sum(s["total_amount"]["shop_money"]["amount"] for s in sales)
        assert round(total, 2) == round(order["total_price"], 2)
        products = [s for s in sales if s["line_type"] == "PRODUCT"]
        assert sorted(s["line_item"]["id"] for s in products) == sorted(
            ln["id"] for ln in order["line_items"] if not ln["gift_card"]
        )
        assert [s["line_type"] for s in sales].count("SHIPPING") == 1
    state = json.loads((lake / "_spoon" / "shopify" / "pyairbyte-state.json").read_text())
    names = {s["stream"]["stream_descriptor"]["name"] for s in state}
    assert {"orders", "customers", "products"} <= names


def test_second_run_fetches_only_what_changed(workspace: dict[str, str], shop: Any) -> None:
    fake = shop.fake
    state_before = json.loads(
        (
            Path(workspace["SPOON_LAKE_URL"]) / "_spoon" / "shopify" / "pyairbyte-state.json"
        ).read_text()
    )
    orders_cursor = next(
        s["stream"]["stream_state"]["updated_at"]
        for s in state_before
        if s["stream"]["stream_descriptor"]["name"] == "orders"
    )
    before_files = {
        s: set(lake_records(workspace, s)) for s in ("orders", "customers", "order_agreements")
    }
    # the shop changes: two new orders, a refund on order #1003 (its updated_at moves)
    now = datetime.now(UTC) - timedelta(minutes=5)
    for n in (12, 13):
        fake.data.orders.append(fs.make_order(fake.data, n, now - timedelta(hours=14 - n)))
    fs.refund(fake.data.orders[2], now - timedelta(minutes=30), refund_id=77)
    fake.requests.clear()

    spoon(workspace, "extract", "--source", "shopify")

    order_calls = [
        q["updated_at_min"][0]
        for _, path, q in fake.requests
        if path.endswith("/orders.json") and "page_info" not in q
    ]
    # `orders` asks only for what changed since its saved cursor; `order_refunds` reads the
    # orders' nested refunds from its own cursor (none yet after the first run: start date)
    assert orders_cursor in order_calls
    assert set(order_calls) <= {orders_cursor, workspace["SPOON_SHOPIFY_START_DATE"]}
    new_orders = [
        r
        for name, rows in lake_records(workspace, "orders").items()
        if name not in before_files["orders"]
        for r in rows
    ]
    ids = {r["id"] for r in new_orders}
    assert {20_012, 20_013, 20_002} <= ids
    # the last order of the first run may come again (Shopify's updated_at_min is inclusive)
    assert ids <= {20_012, 20_013, 20_002, 20_011}
    refunds = [r for rows in lake_records(workspace, "order_refunds").values() for r in rows]
    assert [r["id"] for r in refunds] == [77]
    # the refund is in the ledger too, on its own date, as negative RETURN sales
    new_ledger = [
        r
        for name, rows in lake_records(workspace, "order_agreements").items()
        if name not in before_files["order_agreements"]
        for r in rows
    ]
    refunded = next(r for r in new_ledger if r["id"] == 20_002)
    order_agreement, refund_agreement = refunded["agreements"]
    assert (order_agreement["reason"], refund_agreement["reason"]) == ("ORDER", "REFUND")
    (returned,) = refund_agreement["sales"]
    line = fake.data.orders[2]["line_items"][0]
    assert returned["action_type"] == "RETURN" and returned["quantity"] == -line["quantity"]
    assert returned["line_item"]["id"] == line["id"]
    refund_line = refunds[0]["refund_line_items"][0]
    assert returned["total_amount"]["shop_money"]["amount"] == pytest.approx(
        -(refund_line["subtotal"] + refund_line["total_tax"])
    )
    new_customer_files = set(lake_records(workspace, "customers")) - before_files["customers"]
    new_customers = [
        r for name in new_customer_files for r in lake_records(workspace, "customers")[name]
    ]
    assert len(new_customers) <= 1  # nothing changed (at most the inclusive boundary record)
    products_mutations = [q for m, p, q in fake.requests if p.endswith("/graphql.json")]
    assert products_mutations  # BULK streams ran from their saved state


def test_deleted_orders_and_rest_transactions_land(
    workspace: dict[str, str], shop: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A third sync, with source-shopify's REST transactions (`fetch_transactions_user_id`):
    a deleted order comes as the connector's reduced record, beside whole orders in the same
    file, and REST transactions (lowercase kinds, `receipt: {}`, no amount_set) land in the
    lake that holds the GraphQL ones."""
    from spoon.extract.pyairbyte import extract_shopify
    from spoon.settings import Settings

    fake = shop.fake
    now = datetime.now(UTC) - timedelta(minutes=3)
    fake.data.orders.append(fs.make_order(fake.data, 14, now - timedelta(minutes=20)))
    fs.delete(fake.data, next(o for o in fake.data.orders if o["id"] == 20_005), now, 88)
    before = {s: set(lake_records(workspace, s)) for s in ("orders", "transactions")}
    for key, value in workspace.items():
        monkeypatch.setenv(key, value)
    # switching the transactions stream to REST resets it (as Airbyte asks on a change of
    # its schema): its GraphQL cursor (UTC) means nothing to the REST one (shop time)
    state_file = Path(workspace["SPOON_LAKE_URL"]) / "_spoon" / "shopify" / "pyairbyte-state.json"
    state = json.loads(state_file.read_text())
    state_file.write_text(
        json.dumps([s for s in state if s["stream"]["stream_descriptor"]["name"] != "transactions"])
    )
    report = extract_shopify(Settings(), config_overrides={"fetch_transactions_user_id": True})
    assert report.records["orders"] >= 2

    new_files = {
        name: rows
        for name, rows in lake_records(workspace, "orders").items()
        if name not in before["orders"]
    }
    (rows,) = new_files.values()  # one file: whole orders and the deleted one together
    by_id = {r["id"]: r for r in rows}
    deleted = by_id[20_005]
    assert deleted["deleted_at"] and "was deleted" in deleted["deleted_message"]
    assert deleted["line_items"] is None and deleted["shop_url"]
    assert by_id[20_014]["line_items"][0]["id"] == 10_140
    assert by_id[20_014]["fulfillments"][0]["receipt"] == "{}"
    rest = [
        t
        for name, rows in lake_records(workspace, "transactions").items()
        if name not in before["transactions"]
        for t in rows
    ]
    # every order's transactions again, REST-shaped (the deleted order has none any more)
    assert sorted(t["order_id"] for t in rest) == sorted(o["id"] for o in fake.data.orders)
    assert {(t["kind"], t["status"], t["receipt"]) for t in rest} == {("sale", "success", "{}")}
    assert all(t["amount_set"] is None and t["amount"] > 0 for t in rest)


def test_the_lake_loads_and_builds(workspace: dict[str, str]) -> None:
    spoon(workspace, "load")
    spoon(workspace, "transform")
    with duckdb.connect(workspace["SPOON_DUCKDB_PATH"], read_only=True) as con:
        # 15 orders: one a test order, one deleted (20005, see the test below)
        orders = con.execute(
            "select count(*) from marts.fct_orders where order_id <> 20005"
        ).fetchone()
        assert orders == (13,)
        refunded = con.execute(
            "select returns from marts.fct_orders where order_id = 20002"
        ).fetchone()
        assert refunded is not None and refunded[0] > 0
        variants = con.execute("select count(*) from marts.dim_products").fetchone()
        assert variants == (4,)
        sums = [
            con.execute(f"select sum(net_sales), sum(total_sales) from marts.{t}").fetchone()
            for t in ("fct_orders", "fct_sales", "rpt_daily_sales")
        ]
        assert sums[0] == sums[1] == sums[2]


def test_a_deleted_order_leaves_the_marts(workspace: dict[str, str]) -> None:
    """source-shopify's deleted record has deleted_at but no updated_at: it still wins."""
    with duckdb.connect(workspace["SPOON_DUCKDB_PATH"], read_only=True) as con:
        got = con.execute("select count(*) from marts.fct_orders where order_id = 20005")
        assert got.fetchone() == (0,)


def test_bad_token_writes_nothing(tmp_path: Path, workspace: dict[str, str]) -> None:
    env = {
        **workspace,
        "SPOON_SHOPIFY_ACCESS_TOKEN": "shpat_wrong",
        "SPOON_LAKE_URL": str(tmp_path / "lake"),
    }
    out = spoon(env, "extract", "--source", "shopify", check=False)
    assert out.returncode != 0
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "source-shopify failed" in lines[0], out.stderr
    assert not (tmp_path / "lake").exists()
