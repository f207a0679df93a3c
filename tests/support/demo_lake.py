"""Small demo shops and how to read them as the pipeline does: a lake folder, its truth
folder, and what each sync reported (the demo tests' fixtures build them)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq

from spoon.extract.demo import DemoReport, extract_demo
from spoon.extract.demo.history import History
from spoon.extract.demo.model import DemoConfig
from spoon.extract.demo.shops import PROFILES, ShopProfile
from support.paths import REPO

NAMESPACE = "shopify"
#: A small shop: a few hundred orders over four months that cross a DST change (2 Nov 2025).
PARAMS: dict[str, Any] = {"seed": 7, "orders": 300, "days": 120, "start": date(2025, 9, 1)}
LAST_DAY = PARAMS["start"] + timedelta(days=PARAMS["days"] - 1)
FIRST_UNTIL = date(2025, 11, 22)  # first sync of the two-sync lake: orders straddle it
#: A small tax-inclusive EU shop (Berlin): eight months across both DST changes (26 Oct 2025,
#: 29 Mar 2026), enough orders for the natural cases (export, duties, tips) besides the
#: scripted ones.
EU_PARAMS: dict[str, Any] = {
    "seed": 7,
    "orders": 500,
    "days": 240,
    "start": date(2025, 9, 1),
    "profile": "eu",
}
EU_LAST_DAY = EU_PARAMS["start"] + timedelta(days=EU_PARAMS["days"] - 1)
EU_FIRST_UNTIL = date(2026, 1, 10)


def schemas_dir() -> Path:
    """Where `make shopify-schemas` (Makefile) unpacks source-shopify's stream schemas."""
    mk = (REPO / "Makefile").read_text()
    found = re.search(r"^SHOPIFY_SCHEMAS_VERSION\s*:?=\s*(\S+)", mk, re.MULTILINE)
    assert found, "the Makefile no longer sets SHOPIFY_SCHEMAS_VERSION"
    return REPO / ".cache" / f"source-shopify-{found.group(1)}" / "source_shopify" / "schemas"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scripted_cases(params: dict[str, Any]) -> list[str]:
    """The scripted cases (history.SCRIPTED, SCRIPTED_EU) the generator gives an order in
    the shop of `params`, sorted (one entry per order)."""
    return sorted(History(DemoConfig(**params)).scripted.values())


def parse_ts(value: str) -> datetime:
    at = datetime.fromisoformat(value)
    assert at.tzinfo is not None, f"timestamp without offset: {value}"
    return at


@dataclass
class DemoLake:
    """One lake folder and its truth folder, plus what each sync reported."""

    root: Path
    truth_dir: Path
    params: dict[str, Any] = field(default_factory=lambda: dict(PARAMS))
    reports: list[DemoReport] = field(default_factory=list)
    snapshots: list[dict[str, str]] = field(default_factory=list)  # hashes after each sync
    _rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def truth_file(self) -> Path:
        return self.truth_dir / "daily_sales.csv"

    @property
    def shop(self) -> ShopProfile:
        return PROFILES[self.params.get("profile", "us")]

    @property
    def last_day(self) -> date:
        return self.params["start"] + timedelta(days=self.params["days"] - 1)

    def sync(self, until: date | None = None, **overrides: Any) -> DemoReport:
        params = {**self.params, **overrides}
        report = extract_demo(
            str(self.root), NAMESPACE, self.truth_dir, until=until or self.last_day, **params
        )
        self.reports.append(report)
        self.snapshots.append(self.hashes())
        self._rows.clear()
        return report

    def hashes(self, *, truth: bool = True) -> dict[str, str]:
        """Every file of the lake (and the truth folder): relative path -> sha256."""
        out = {
            f"lake/{p.relative_to(self.root).as_posix()}": sha256(p)
            for p in sorted(self.root.rglob("*"))
            if p.is_file()
        }
        if truth and self.truth_dir.exists():
            out.update(
                {
                    f"truth/{p.relative_to(self.truth_dir).as_posix()}": sha256(p)
                    for p in sorted(self.truth_dir.rglob("*"))
                    if p.is_file()
                }
            )
        return out

    def files(self, stream: str) -> list[Path]:
        return sorted((self.root / NAMESPACE / stream).glob("*.parquet"))

    def rows(self, stream: str) -> list[dict[str, Any]]:
        """Every row of every file of a stream, Airbyte columns included, oldest file first."""
        if stream not in self._rows:
            rows: list[dict[str, Any]] = []
            for path in self.files(stream):
                for row in pq.read_table(path).to_pylist():
                    row["_file"] = path.name
                    rows.append(row)
            self._rows[stream] = rows
        return self._rows[stream]

    def records(self, stream: str) -> list[dict[str, Any]]:
        """Rows without the Airbyte columns: the source records."""
        return [
            {k: v for k, v in row.items() if not k.startswith("_")} for row in self.rows(stream)
        ]

    def latest(self, stream: str) -> dict[int, dict[str, Any]]:
        """The latest version of each record (by updated_at, then _airbyte_extracted_at)."""

        def key(row: dict[str, Any]) -> tuple[Any, ...]:
            updated = row.get("updated_at")
            return (parse_ts(updated) if updated else datetime.min, row["_airbyte_extracted_at"])

        out: dict[int, dict[str, Any]] = {}
        for row in self.rows(stream):
            seen = out.get(row["id"])
            if seen is None or key(row) >= key(seen):
                out[row["id"]] = row
        return out

    def state(self) -> dict[str, Any]:
        return json.loads((self.root / "_state" / "demo" / f"{NAMESPACE}.json").read_text())


@dataclass
class ShopRecords:
    """A demo shop's records as the lake holds them, each the latest version of its id."""

    shop: dict[str, Any]
    orders: list[dict[str, Any]]
    refunds: list[dict[str, Any]]
    customers: list[dict[str, Any]]
    transactions: list[dict[str, Any]]
    #: order id -> its order_agreements record (Shopify's sales ledger)
    ledger: dict[int, dict[str, Any]]
    #: variant id -> variant
    variants: dict[int, dict[str, Any]]

    @classmethod
    def of(cls, lake: DemoLake) -> ShopRecords:
        return cls(
            shop=lake.records("shop")[0],
            orders=list(lake.latest("orders").values()),
            refunds=list(lake.latest("order_refunds").values()),
            customers=list(lake.latest("customers").values()),
            transactions=list(lake.latest("transactions").values()),
            ledger=lake.latest("order_agreements"),
            variants=lake.latest("product_variants"),
        )

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.shop["iana_timezone"])

    @cached_property
    def by_id(self) -> dict[int, dict[str, Any]]:
        """Order id -> order."""
        return {o["id"]: o for o in self.orders}

    def local(self, ts: str) -> datetime:
        """A timestamp of the records in the shop's own time zone."""
        return parse_ts(ts).astimezone(self.tz)
