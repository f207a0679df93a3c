"""Ground truth: the seven money metrics per shop-local day, from the generator's objects.

Implements docs/metrics.md directly on the demo shop's own `Order` objects (Decimal, shop
currency), never on the records written to the lake. "As of a cutoff" means the shop as
the sync at that cutoff sees it: events before the cutoff only.
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from spoon.demo.history import local_date
from spoon.demo.model import ZERO, Order

COLUMNS = (
    "date_day",
    "orders",
    "gross_sales",
    "discounts",
    "returns",
    "net_sales",
    "shipping",
    "taxes",
    "total_sales",
)


@dataclass
class Day:
    orders: int = 0
    gross_sales: Decimal = ZERO
    discounts: Decimal = ZERO
    returns: Decimal = ZERO
    shipping: Decimal = ZERO
    taxes: Decimal = ZERO

    @property
    def net_sales(self) -> Decimal:
        return self.gross_sales - self.discounts - self.returns

    @property
    def total_sales(self) -> Decimal:
        return self.net_sales + self.shipping + self.taxes


@dataclass
class DailyTruth:
    days: dict[date, Day] = field(default_factory=dict)

    def _day(self, at: datetime) -> Day:
        key = local_date(at)
        day = self.days.get(key)
        if day is None:
            day = self.days[key] = Day()
        return day

    def add(self, order: Order, cutoff: datetime) -> None:
        """Book one order's events before `cutoff` (test and deleted orders: nothing)."""
        if order.processed_at >= cutoff or order.test:
            return
        if order.deleted_at is not None and order.deleted_at < cutoff:
            return
        merch = [line for line in order.lines if not line.gift_card]
        sale = self._day(order.processed_at)
        sale.orders += 1
        for line in merch:
            sale.gross_sales += line.gross
            sale.discounts += line.discount
            sale.taxes += line.tax
        for ship in order.shipping_lines:
            sale.shipping += ship.net
            sale.taxes += ship.tax

        refunds = order.refunds_before(cutoff)
        refunded_sub: dict[int, Decimal] = {}
        refunded_tax: dict[int, Decimal] = {}
        ship_refunded = ship_tax_refunded = ZERO
        for refund in refunds:
            day = self._day(refund.at)
            for rl in refund.lines:
                if rl.line.gift_card:
                    continue
                day.returns += rl.subtotal
                day.taxes -= rl.tax
                refunded_sub[rl.line.id] = refunded_sub.get(rl.line.id, ZERO) + rl.subtotal
                refunded_tax[rl.line.id] = refunded_tax.get(rl.line.id, ZERO) + rl.tax
            for adj in refund.adjustments:
                if adj.kind == "shipping_refund":
                    day.shipping += adj.amount
                    day.taxes += adj.tax_amount
                    ship_refunded += adj.amount
                    ship_tax_refunded += adj.tax_amount
                elif adj.kind == "refund_discrepancy":
                    day.returns -= adj.amount
                    day.taxes += adj.tax_amount

        if order.cancelled_at is not None and order.cancelled_at < cutoff:
            day = self._day(order.cancelled_at)
            for line in merch:
                day.returns += line.net - refunded_sub.get(line.id, ZERO)
                day.taxes -= line.tax - refunded_tax.get(line.id, ZERO)
            if order.shipping_lines:
                ship_net = sum((s.net for s in order.shipping_lines), ZERO)
                ship_tax = sum((s.tax for s in order.shipping_lines), ZERO)
                day.shipping -= ship_net + ship_refunded
                day.taxes -= ship_tax + ship_tax_refunded

    def rows(self) -> list[dict[str, str]]:
        out = []
        for key in sorted(self.days):
            d = self.days[key]
            out.append(
                {
                    "date_day": key.isoformat(),
                    "orders": str(d.orders),
                    "gross_sales": f"{d.gross_sales:.2f}",
                    "discounts": f"{d.discounts:.2f}",
                    "returns": f"{d.returns:.2f}",
                    "net_sales": f"{d.net_sales:.2f}",
                    "shipping": f"{d.shipping:.2f}",
                    "taxes": f"{d.taxes:.2f}",
                    "total_sales": f"{d.total_sales:.2f}",
                }
            )
        return out

    def write(self, truth_dir: Path) -> Path:
        """Write `daily_sales.csv` atomically (temp file in the same folder, then rename)."""
        truth_dir.mkdir(parents=True, exist_ok=True)
        final = truth_dir / "daily_sales.csv"
        fd, tmp = tempfile.mkstemp(prefix=".daily_sales.", suffix=".tmp", dir=truth_dir)
        try:
            with os.fdopen(fd, "w", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
                writer.writeheader()
                writer.writerows(self.rows())
            os.replace(tmp, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return final
