"""Ground truth: the money metrics per shop-local day, from the shop's own ledger.

Computed from the sales agreements the generator emits as `order_agreements` (Shopify's
ledger: one sale per line, shipping line, duty, tip and adjustment, per event), never from
the REST records' decomposition the dbt models use (lines, tax lines, refund lines,
adjustments): a wrong rule in the models cannot also be in the truth. The demo's tests
check the ledger against the money that moved (transactions) and against the orders'
`current_*` totals. "As of a cutoff" means the shop as the sync at that cutoff sees it:
events before the cutoff only; test and deleted orders count nothing.

Per sale (docs/metrics.md, "Metrics from the ledger"), on the shop-local day it happened:
PRODUCT ordered: gross += amount without tax + its discount before taxes, discounts += that
discount; PRODUCT returned and ADJUSTMENT: returns += -(amount without tax); SHIPPING:
shipping += amount without tax; DUTY: duties += amount without tax; every tax to taxes;
TIP: tips (outside total sales); GIFT_CARD: nothing. Net = gross - discounts - returns,
total = net + shipping + duties + taxes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from spoon.extract.demo.model import ZERO
from spoon.extract.demo.order import Order
from spoon.extract.demo.shops import ShopProfile
from spoon.files import atomic_open
from spoon.metrics import CORE_MONEY_COLUMNS

#: The CSV's columns: the first nine as they always were (the seven core money metrics of
#: spoon.metrics after the day and its orders), duties and tips appended.
COLUMNS = ("date_day", "orders", *CORE_MONEY_COLUMNS, "duties", "tips")


#: The sums a day keeps from the ledger, by metric; net and total sales follow from them.
SUMS = ("gross_sales", "discounts", "returns", "shipping", "duties", "taxes", "tips")


@dataclass(slots=True)
class Day:
    orders: int = 0
    sums: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(SUMS, ZERO))

    def metric(self, column: str) -> Decimal:
        """One money column of `COLUMNS`: a sum, or net or total sales."""
        s = self.sums
        if column == "net_sales":
            return s["gross_sales"] - s["discounts"] - s["returns"]
        if column == "total_sales":
            return self.metric("net_sales") + s["shipping"] + s["duties"] + s["taxes"]
        return s[column]


@dataclass
class DailyTruth:
    shop: ShopProfile
    days: dict[date, Day] = field(default_factory=dict)

    def _day(self, at: datetime) -> Day:
        key = self.shop.local_date(at)
        day = self.days.get(key)
        if day is None:
            day = self.days[key] = Day()
        return day

    def add(self, order: Order, cutoff: datetime) -> None:
        """Book one order's sales before `cutoff` (test and deleted orders: nothing)."""
        if order.processed_at >= cutoff or order.test:
            return
        if order.deleted_at is not None and order.deleted_at < cutoff:
            return
        self._day(order.processed_at).orders += 1
        for agreement in order.agreements:  # in time order
            if agreement.at >= cutoff:
                break
            day = self._day(agreement.at).sums
            for sale in agreement.sales:
                kind = sale.line_type
                net = sale.total - sale.tax
                if kind == "PRODUCT":
                    if sale.action == "RETURN":
                        day["returns"] -= net
                    else:
                        day["gross_sales"] += net + sale.discount_before_taxes
                        day["discounts"] += sale.discount_before_taxes
                    day["taxes"] += sale.tax
                elif kind == "SHIPPING":
                    day["shipping"] += net
                    day["taxes"] += sale.tax
                elif kind == "DUTY":
                    day["duties"] += net
                    day["taxes"] += sale.tax
                elif kind == "ADJUSTMENT":
                    day["returns"] -= net
                    day["taxes"] += sale.tax
                elif kind == "TIP":
                    day["tips"] += sale.total
                elif kind != "GIFT_CARD":  # pragma: no cover - the demo emits no other kind
                    raise ValueError(f"unknown ledger line type {kind!r}")

    def rows(self) -> list[dict[str, str]]:
        return [
            {
                "date_day": key.isoformat(),
                "orders": str(self.days[key].orders),
                **{column: f"{self.days[key].metric(column):.2f}" for column in COLUMNS[2:]},
            }
            for key in sorted(self.days)
        ]

    def write(self, truth_dir: Path) -> Path:
        """Write `daily_sales.csv` atomically (temp file in the same folder, then rename)."""
        final = truth_dir / "daily_sales.csv"
        with atomic_open(final, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(self.rows())
        return final
