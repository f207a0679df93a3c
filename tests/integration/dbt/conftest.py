"""A small hand-made Shopify shop as contract-2 raw tables, and helpers to run dbt on it.

Two nightly syncs (`SYNCS[0]`, `SYNCS[1]`) hold every tricky case of docs/metrics.md;
the expected mart values in the tests are computed by hand from these records.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest

from spoon.lake import STREAMS

REPO = Path(__file__).resolve().parents[3]
DBT = REPO / ".venv-dbt" / "bin" / "dbt"
PROJECT = REPO / "dbt"
MONEY = ("gross_sales", "discounts", "returns", "net_sales", "shipping", "taxes", "total_sales")

Record = dict[str, Any]
Batch = dict[str, list[Record]]


# --- building blocks (Shopify REST shapes, as source-shopify emits them) ---------------
def _set(shop: str, presentment: str | None = None, *, as_str: bool = False) -> Record:
    """A `*_set` object: shop money (USD) and presentment money."""

    def amount(v: str) -> str | float:
        return v if as_str else float(v)

    return {
        "shop_money": {"amount": amount(shop), "currency_code": "USD"},
        "presentment_money": {
            "amount": amount(presentment or shop),
            "currency_code": "EUR" if presentment else "USD",
        },
    }


def _tax(amount: str, presentment: str | None = None) -> Record:
    return {
        "title": "State tax",
        "rate": 0.08,
        "price": float(presentment or amount),
        "price_set": _set(amount, presentment),
    }


def _alloc(amount: str) -> Record:
    return {
        "amount": amount,
        "amount_set": _set(amount, as_str=True),
        "discount_application_index": 0,
    }


def _line(
    line_id: int,
    variant_id: int,
    product_id: int,
    title: str,
    price: str,
    qty: int,
    *,
    tax: str | None = None,
    discounts: tuple[str, ...] = (),
    gift_card: bool = False,
    presentment: tuple[str, str] | None = None,
) -> Record:
    shown_price, shown_tax = presentment or (price, tax)
    return {
        "id": line_id,
        "variant_id": variant_id,
        "product_id": product_id,
        "title": title,
        "variant_title": "Default",
        "sku": f"SKU-{variant_id}",
        "vendor": "Willow",
        "quantity": qty,
        "gift_card": gift_card,
        "price": float(shown_price),
        "price_set": _set(price, presentment[0] if presentment else None),
        "tax_lines": [_tax(tax, shown_tax if presentment else None)] if tax else [],
        "discount_allocations": [_alloc(d) for d in discounts],
    }


def _shipping(
    line_id: int, price: str, *, tax: str | None = None, discount: str | None = None
) -> Record:
    return {
        "id": line_id,
        "title": "Standard",
        "code": "STD",
        "price": float(price),
        "price_set": _set(price),
        "tax_lines": [_tax(tax)] if tax else [],
        "discount_allocations": [_alloc(discount)] if discount else [],
    }


def _order(
    order_id: int,
    processed_at: str,
    lines: list[Record],
    *,
    customer_id: int | None = None,
    email: str | None = None,
    shipping: list[Record] | None = None,
    cancelled_at: str | None = None,
    test: bool = False,
    deleted_at: str | None = None,
    updated_at: str | None = None,
    presentment_currency: str = "USD",
    city: str = "Portland",
) -> Record:
    return {
        "id": order_id,
        "name": f"#{order_id}",
        "order_number": order_id,
        "email": email,
        "customer": {"id": customer_id, "email": email} if customer_id else None,
        "created_at": processed_at,
        "processed_at": processed_at,
        "updated_at": updated_at or processed_at,
        "cancelled_at": cancelled_at,
        "cancel_reason": "customer" if cancelled_at else None,
        "deleted_at": deleted_at,
        "test": test,
        "currency": "USD",
        "presentment_currency": presentment_currency,
        "financial_status": "paid",
        "total_price_set": _set("0.00"),
        "shipping_address": {
            "city": city,
            "province": "Oregon",
            "province_code": "OR",
            "country": "United States",
            "country_code": "US",
        },
        "line_items": lines,
        "shipping_lines": shipping or [],
        "refunds": [],
    }


def _refund(
    refund_id: int,
    order_id: int,
    processed_at: str,
    lines: list[tuple[int, int, int, str, str]] = (),  # type: ignore[assignment]
    adjustments: list[tuple[int, str, str, str]] = (),  # type: ignore[assignment]
) -> Record:
    """lines: (refund line id, line item id, quantity, subtotal, tax);
    adjustments: (id, kind, amount, tax_amount) with amounts as Shopify's strings."""
    return {
        "id": refund_id,
        "order_id": order_id,
        "created_at": processed_at,
        "processed_at": processed_at,
        "refund_line_items": [
            {
                "id": rl_id,
                "line_item_id": li_id,
                "quantity": qty,
                "subtotal": float(sub),
                "subtotal_set": _set(sub),
                "total_tax": float(tax),
                "total_tax_set": _set(tax),
                "line_item": {"id": li_id, "gift_card": False},
            }
            for rl_id, li_id, qty, sub, tax in lines
        ],
        "order_adjustments": [
            {
                "id": adj_id,
                "order_id": order_id,
                "refund_id": refund_id,
                "kind": kind,
                "reason": kind.replace("_", " "),
                "amount": amount,
                "tax_amount": tax_amount,
                "amount_set": _set(amount, as_str=True),
                "tax_amount_set": _set(tax_amount, as_str=True),
            }
            for adj_id, kind, amount, tax_amount in adjustments
        ],
        "transactions": [],
    }


SHOP = {
    "id": 1,
    "name": "Willow's Spoon",
    "myshopify_domain": "willows-spoon.myshopify.com",
    "currency": "USD",
    "iana_timezone": "America/New_York",
    "country_code": "US",
    "updated_at": "2025-01-01T00:00:00-05:00",
}
ALICE = {
    "id": 9001,
    "email": "alice@example.com",
    "state": "enabled",
    "created_at": "2025-01-01T10:00:00-05:00",
    "updated_at": "2025-01-01T10:00:00-05:00",
    "default_address": {"country": "United States", "country_code": "US", "province": "Maine"},
}
# Bob checks out as a guest on 2025-03-31, then creates an account before his next order.
BOB = {
    "id": 9002,
    "email": "BOB@example.com",
    "state": "enabled",
    "created_at": "2025-04-18T10:00:00-04:00",
    "updated_at": "2025-04-18T10:00:00-04:00",
    "default_address": {"country": "Canada", "country_code": "CA", "province": "Quebec"},
}
PRODUCTS = [
    {
        "id": 201,
        "title": "Spoon",
        "product_type": "Cutlery",
        "vendor": "Willow",
        "status": "active",
    },
    {
        "id": 202,
        "title": "Bowl",
        "product_type": "Tableware",
        "vendor": "Willow",
        "status": "active",
    },
    {
        "id": 203,
        "title": "Gift card",
        "product_type": "Gift card",
        "vendor": "Willow",
        "status": "active",
        "is_gift_card": True,
    },
]
VARIANTS = [
    {"id": 101, "product_id": 201, "title": "Small", "sku": "SP-S", "price": 20.0},
    {"id": 102, "product_id": 201, "title": "Large", "sku": "SP-L", "price": 15.0},
    {"id": 103, "product_id": 202, "title": "Default Title", "sku": "BW-1", "price": 50.0},
    {"id": 104, "product_id": 203, "title": "$25", "sku": None, "price": 25.0},
]
LOCATIONS = [
    {
        "id": 301,
        "name": "Workshop",
        "city": "Portland",
        "country_name": "United States",
        "country_code": "US",
        "active": True,
    }
]

O1 = _order(
    1001,
    "2025-03-10T10:00:00-04:00",
    [
        # an order-level discount of 10.00 spread by Shopify over two lines (6.00 + 4.00)
        _line(11, 101, 201, "Spoon", "20.00", 2, tax="2.72", discounts=("6.00",)),
        _line(12, 102, 201, "Spoon", "15.00", 1, tax="0.88", discounts=("4.00",)),
    ],
    customer_id=9001,
    email="alice@example.com",
    shipping=[_shipping(41, "5.00", tax="0.40")],
)
O2 = _order(
    1002,
    "2025-03-20T09:00:00-04:00",
    [_line(13, 103, 202, "Bowl", "50.00", 1, tax="4.00")],
    customer_id=9001,
    email="alice@example.com",
    shipping=[_shipping(42, "10.00", tax="0.80", discount="2.00")],  # a shipping discount
    city="Bangor",
)
# 23:30 in New York is 03:30 UTC the next day; presented in EUR, booked in USD;
# a gift-card line; a guest e-mail that later becomes customer 9002.
O3 = _order(
    1003,
    "2025-03-31T23:30:00-04:00",
    [
        _line(14, 101, 201, "Spoon", "30.00", 1, tax="2.40", presentment=("27.50", "2.20")),
        _line(15, 104, 203, "Gift card", "25.00", 1, gift_card=True),
    ],
    email=" Bob@Example.com ",
    presentment_currency="EUR",
)
# a guest with neither customer nor e-mail; cancelled the next day without a refund
O4 = _order(
    1004,
    "2025-04-05T12:00:00-04:00",
    [_line(16, 102, 201, "Spoon", "12.50", 2, tax="2.00")],
    shipping=[_shipping(43, "6.00")],
    cancelled_at="2025-04-06T10:00:00-04:00",
)
# cancelled the same day with a full refund: the cancellation adds nothing
O5 = _order(
    1005,
    "2025-04-10T08:00:00-04:00",
    [_line(17, 103, 202, "Bowl", "40.00", 1, tax="3.20")],
    customer_id=9001,
    email="alice@example.com",
    shipping=[_shipping(44, "5.00")],
    cancelled_at="2025-04-10T18:00:00-04:00",
)
O6_TEST = _order(
    1006,
    "2025-04-11T08:00:00-04:00",
    [_line(18, 101, 201, "Spoon", "99.00", 1)],
    customer_id=9001,
    email="alice@example.com",
    test=True,
)
O8 = _order(
    1008,
    "2025-04-12T08:00:00-04:00",
    [_line(19, 101, 201, "Spoon", "10.00", 1)],
    email="carol@example.com",
)
# second sync: Bob's first order as a customer (a line discount; a variant deleted since)
O7 = _order(
    1007,
    "2025-04-20T10:00:00-04:00",
    [_line(20, 105, 204, "Old mug", "18.00", 3, discounts=("4.00",))],
    customer_id=9002,
    email="bob@example.com",
)
O8_DELETED = {
    **O8,
    "deleted_at": "2025-05-01T09:00:00-04:00",
    "updated_at": "2025-05-01T09:00:00-04:00",
}

R1 = _refund(501, 1001, "2025-04-15T12:00:00-04:00", [(601, 11, 1, "17.00", "1.36")])
R2_SHIPPING = _refund(
    502, 1002, "2025-03-25T12:00:00-04:00", adjustments=[(701, "shipping_refund", "-8.00", "-0.80")]
)
R3 = _refund(
    503,
    1002,
    "2025-03-26T12:00:00-04:00",
    [(602, 13, 1, "50.00", "4.00")],
    adjustments=[(702, "refund_discrepancy", "-5.00", "0.00")],
)
R4_TAX = _refund(504, 1003, "2025-04-02T12:00:00-04:00", [(603, 14, 0, "0.00", "2.40")])
R5 = _refund(
    505,
    1005,
    "2025-04-10T18:00:00-04:00",
    [(604, 17, 1, "40.00", "3.20")],
    adjustments=[(703, "shipping_refund", "-5.00", "0.00")],
)
R6_LATE = _refund(506, 1001, "2025-05-02T12:00:00-04:00", [(605, 12, 1, "11.00", "0.88")])

TRANSACTIONS = [
    {
        "id": 801,
        "order_id": 1001,
        "kind": "sale",
        "status": "success",
        "amount": "61.40",
        "currency": "USD",
        "created_at": "2025-03-10T10:00:00-04:00",
    },
]

SYNCS: list[Batch] = [
    {
        "shop": [SHOP],
        "customers": [ALICE],
        "products": PRODUCTS,
        "product_variants": VARIANTS,
        "locations": LOCATIONS,
        "orders": [O1, O2, O3, O4, O5, O6_TEST, O8],
        "order_refunds": [R1, R2_SHIPPING, R3, R4_TAX, R5],
        "transactions": TRANSACTIONS,
    },
    {
        "shop": [SHOP],
        "customers": [BOB],
        "orders": [O7, O8_DELETED, O2],  # O2 re-delivered unchanged
        "order_refunds": [R6_LATE],
    },
]
LOADED_AT = [datetime(2025, 5, 1, 6, 0), datetime(2025, 5, 3, 6, 0)]


def raw_rows(sync: int) -> Iterator[tuple[str, str, str, datetime, str, datetime]]:
    """(stream, record json, raw id, extracted at, file name, loaded at) of one sync."""
    loaded = LOADED_AT[sync]
    extracted = loaded - timedelta(hours=1)
    for stream, records in SYNCS[sync].items():
        for n, rec in enumerate(records):
            yield (
                stream,
                json.dumps(rec),
                f"s{sync}-{stream}-{n}",
                extracted,
                f"shopify/{stream}/2025_05_0{sync + 1}_0_0.parquet",
                loaded,
            )


def load_duckdb(path: Path, syncs: range | list[int]) -> None:
    """Append the given syncs to raw.* of a DuckDB file (contract 2 columns)."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists raw")
        for stream in STREAMS:
            con.execute(
                f"create table if not exists raw.{stream} (record json, _airbyte_raw_id varchar,"
                " _airbyte_extracted_at timestamp, _file_name varchar, _loaded_at timestamp)"
            )
        for sync in syncs:
            for stream, rec, raw_id, extracted, file_name, loaded in raw_rows(sync):
                con.execute(
                    f"insert into raw.{stream} values (?, ?, ?, ?, ?)",
                    [rec, raw_id, extracted, file_name, loaded],
                )


def load_snowflake(cursor: Any, syncs: range | list[int], database: str = "RAW") -> None:
    """The same rows into <database>.RAW.* with VARIANT records (fakesnow or Snowflake);
    the first call creates the tables."""
    cursor.execute("show databases")
    if database.upper() not in {str(row[1]).upper() for row in cursor.fetchall()}:
        cursor.execute(f"create database {database}")
        cursor.execute(f"create schema {database}.RAW")
        for stream in STREAMS:
            cursor.execute(
                f"create table {database}.RAW.{stream} (record variant,"
                " _airbyte_raw_id varchar, _airbyte_extracted_at timestamp_ntz,"
                " _file_name varchar, _loaded_at timestamp_ntz)"
            )
    for sync in syncs:
        for stream, rec, raw_id, extracted, file_name, loaded in raw_rows(sync):
            cursor.execute(
                f"insert into {database}.RAW.{stream} select parse_json(%s), %s, %s, %s, %s",
                (rec, raw_id, extracted.isoformat(sep=" "), file_name, loaded.isoformat(sep=" ")),
            )


# --- running dbt ------------------------------------------------------------------------
@dataclass
class DbtRunner:
    env: dict[str, str]
    target: str
    workdir: Path

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [
            str(DBT),
            *args,
            "--project-dir",
            "dbt",
            "--profiles-dir",
            "dbt",
            "--target",
            self.target,
            "--target-path",
            str(self.workdir / "target"),
        ]
        out = subprocess.run(cmd, cwd=REPO, env=self.env, capture_output=True, text=True)
        if check and out.returncode != 0:
            raise AssertionError(
                f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stdout[-6000:]}"
            )
        return out


def dbt_env(workdir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPOON_", "DBT_"))}
    env.update(
        {
            "DBT_LOG_PATH": str(workdir / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
            "SPOON_DBT_THREADS": "2",
            **extra,
        }
    )
    return env


def duckdb_runner(workdir: Path) -> DbtRunner:
    workdir.mkdir(parents=True, exist_ok=True)
    env = dbt_env(workdir, SPOON_DUCKDB_PATH=str(workdir / "warehouse.duckdb"))
    return DbtRunner(env, "dev", workdir)


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="session")
def duckdb_dbt(tmp_path_factory: pytest.TempPathFactory) -> DbtRunner:
    """One dbt runner for every DuckDB test: the same profile and target path, so dbt
    parses the project once and re-parses only partially. Tests run one at a time and
    start from an empty warehouse file (`fresh_warehouse`)."""
    return duckdb_runner(tmp_path_factory.mktemp("dbt-duckdb"))


def fresh_warehouse(dbt: DbtRunner) -> Path:
    path = dbt.workdir / "warehouse.duckdb"
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return path


@pytest.fixture(scope="session")
def built_duckdb(duckdb_dbt: DbtRunner) -> Path:
    """Both syncs loaded, then one `dbt build` on DuckDB; returns a copy of the warehouse."""
    path = fresh_warehouse(duckdb_dbt)
    load_duckdb(path, [0, 1])
    duckdb_dbt("build")
    built = path.with_name("built.duckdb")
    shutil.copyfile(path, built)
    return built


@pytest.fixture()
def rawshop() -> SimpleNamespace:
    """The helpers above, for test modules (importlib mode cannot import conftest)."""
    return SimpleNamespace(
        MONEY=MONEY,
        REPO=REPO,
        DBT=DBT,
        load_duckdb=load_duckdb,
        load_snowflake=load_snowflake,
        duckdb_runner=duckdb_runner,
        fresh_warehouse=fresh_warehouse,
        dbt_env=dbt_env,
        DbtRunner=DbtRunner,
        query=query,
        python=sys.executable,
    )


Query = Callable[[Path, str], list[tuple[Any, ...]]]
