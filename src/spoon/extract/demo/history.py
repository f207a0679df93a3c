"""The demo shop's whole history, a pure function of (profile, seed, orders, days, start).

Orders are spread over `[start, start + days)` with growth, a weekly and a yearly rhythm and
a holiday peak; each order carries its later events (payment, fulfilment, edits, refunds,
cancellation, deletion), which may fall after the window. A fixed list of scripted cases
makes every edge case of docs/metrics.md occur even in a small shop; the same cases also
occur naturally at realistic rates.

`History.orders()` yields the orders in time order and can be replayed any number of times
with the same result; it holds only the customers in memory, never every order.
The orders are made by `spoon.extract.demo.maker` (an order maker per shop, in parts:
who buys, checkout, what happens after, refunds, the ledger).

Each order also carries its ledger (`Order.agreements`): Shopify's sales agreements for
the order, its refunds and its cancellation, with one sale per line, shipping line, duty
and tip. The ledger draws its ids from a seeded RNG of its own, so adding it changed no
other draw of the default shop.

The shop itself is a `ShopProfile` (`spoon.extract.demo.shops`): `us` (the default, tax on top)
or `eu` (a tax-inclusive shop in Berlin: VAT inside prices, export orders without VAT and
with duties, tips). Nothing here is module-level state, so two shops can be generated in
one process.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from spoon.extract.demo import shops
from spoon.extract.demo.demand import day_weight
from spoon.extract.demo.draws import Ids
from spoon.extract.demo.maker.orders import OrderMaker
from spoon.extract.demo.maker.orders_eu import EuOrderMaker
from spoon.extract.demo.model import DemoConfig, Location, Product, Variant
from spoon.extract.demo.order import Order

#: Scripted cases: (name, position in the order sequence as a fraction of the orders).
SCRIPTED: tuple[tuple[str, float], ...] = (
    ("guest_later_customer", 0.10),
    ("guest_anonymous", 0.12),
    ("order_discount_multi_line", 0.20),
    ("shipping_discount", 0.22),
    ("line_discount", 0.24),
    ("late_partial_refund", 0.30),
    ("shipping_only_refund", 0.35),
    ("refund_with_tax", 0.38),
    ("discrepancy_over", 0.40),
    ("discrepancy_under", 0.42),
    ("cancel_with_refund", 0.45),
    ("cancel_without_refund", 0.47),
    ("pending_cancelled", 0.49),
    ("partial_refund_then_cancel", 0.51),
    ("partial_refund_then_cancel_no_refund", 0.53),
    ("test_order", 0.55),
    ("test_order_refunded", 0.57),
    ("deleted_order", 0.59),
    ("deleted_after_cancel", 0.60),
    ("presentment", 0.62),
    ("presentment_refunded", 0.64),
    ("gift_card_line", 0.66),
    ("gift_card_only", 0.68),
    ("pending_unpaid", 0.70),
    ("pending_then_paid", 0.72),
    ("edited", 0.74),
    ("multiple_refunds", 0.76),
    ("full_refund_with_shipping", 0.78),
)

#: The EU shop's scripted cases: the same as the US shop's, plus one per tax-inclusive,
#: export, duty and tip rule (docs/metrics.md), at positions of their own.
SCRIPTED_EU: tuple[tuple[str, float], ...] = (
    *SCRIPTED,
    ("issue_example", 0.14),  # 107.00 @ 7 % + 11.90 shipping @ 19 %: the issue's own order
    ("export_duties", 0.16),
    ("export_no_duties", 0.18),
    ("duty_refund", 0.26),
    ("tip", 0.28),
    ("eu_reduced_rate", 0.32),
    ("cancel_with_duties", 0.80),
    ("inclusive_partial_refund", 0.82),
    ("late_night_refund", 0.84),
    ("tip_cancelled", 0.86),  # a tipped order, never paid, cancelled: the tip is reversed
)


class History:
    """The demo shop: static catalog plus a replayable stream of orders."""

    def __init__(self, config: DemoConfig) -> None:
        self.config = config
        self.shop = shop = shops.profile(config.profile)
        rng = random.Random(f"{shop.rng}/{config.seed}/catalog")
        self.shop_id = 50_000_000_000 + rng.randrange(10**10)
        self.shop_created_at = shop.local_instant(config.start - timedelta(days=540), time(10, 12))
        self.shop_updated_at = shop.local_instant(config.start - timedelta(days=30), time(9, 41))
        self.locations = self._locations(rng)
        self.products = self._products(rng)
        self.variants = [v for p in self.products for v in p.variants]
        self.day_counts = self._allocate(random.Random(f"{shop.rng}/{config.seed}/days"))
        self.dst_days = shop.dst_change_days(config.start, config.days)
        mid = config.start + timedelta(days=config.days // 2)
        #: days with orders forced at local 00:30 and 23:30 (EU shop)
        self.special_days = {mid, *self.dst_days, *(d - timedelta(days=1) for d in self.dst_days)}
        if shop.key == "eu":
            self._at_least(4, self.dst_days)
            self._at_least(2, self.special_days)
        n = config.orders
        self.scripted: dict[int, str] = {}
        for name, frac in SCRIPTED_EU if shop.key == "eu" else SCRIPTED:
            idx = min(int(n * frac), n - 1)
            while idx in self.scripted and idx < n - 1:
                idx += 1
            if idx not in self.scripted:
                self.scripted[idx] = name

    # ---- static catalog ---------------------------------------------------------------
    def _locations(self, rng: random.Random) -> list[Location]:
        created = self.shop_created_at + timedelta(hours=2)
        return [
            Location(
                spec.id_base + rng.randrange(10**9),
                spec.name,
                spec.address1,
                spec.city,
                spec.province,
                spec.province_code,
                spec.zip,
                spec.phone,
                created + timedelta(days=spec.opened_after_days),
            )
            for spec in self.shop.locations
        ]

    def _products(self, rng: random.Random) -> list[Product]:
        products = []
        pids = Ids(rng, 7_412_000_000_000, 1_000_003)
        vids = Ids(rng, 42_100_000_000_000, 10_007)
        iids = Ids(rng, 44_200_000_000_000, 10_009)
        for k, spec in enumerate(self.shop.products):
            created = self.shop_created_at + timedelta(days=20 + 9 * k, hours=rng.randrange(8))
            pid = pids.next()
            handle = spec.title.lower().replace(" ", "-").replace("'", "").replace("&", "and")
            variants = tuple(
                Variant(
                    id=vids.next(),
                    product_id=pid,
                    title=title,
                    price=Decimal(price),
                    sku=f"WS-{k + 1:03d}-{pos + 1}",
                    grams=grams,
                    position=pos + 1,
                    inventory_item_id=iids.next(),
                    gift_card=spec.gift_card,
                    created_at=created,
                )
                for pos, (title, price, grams) in enumerate(spec.variants)
            )
            products.append(
                Product(
                    id=pid,
                    title=spec.title,
                    handle=handle,
                    product_type=spec.product_type,
                    vendor=spec.vendor,
                    option=spec.option,
                    variants=variants,
                    popularity=spec.popularity,
                    gift_card=spec.gift_card,
                    created_at=created,
                    updated_at=created + timedelta(days=3 + rng.randrange(60)),
                    tax_class=spec.tax_class,
                    hs_code=spec.hs_code,
                )
            )
        return products

    def _allocate(self, rng: random.Random) -> list[int]:
        """Orders per day: exact total, shaped by `day_weight` and some daily noise."""
        cfg = self.config
        weights = [
            day_weight(cfg.start + timedelta(days=k), k, cfg.days) * rng.lognormvariate(0, 0.15)
            for k in range(cfg.days)
        ]
        total = sum(weights)
        counts, acc, assigned = [], 0.0, 0
        for w in weights:
            acc += cfg.orders * w / total
            c = max(0, math.floor(acc + 0.5) - assigned)
            counts.append(c)
            assigned += c
        counts[-1] += cfg.orders - assigned
        return counts

    def _at_least(self, n: int, days: Iterable[date]) -> None:
        """Move orders from the busiest days so each of `days` has `n` (the total stays)."""
        counts, start = self.day_counts, self.config.start
        for day in sorted(days):
            k = (day - start).days
            while 0 <= k < len(counts) and counts[k] < n:
                busiest = max(range(len(counts)), key=counts.__getitem__)
                if counts[busiest] <= n:
                    return
                counts[busiest] -= 1
                counts[k] += 1

    # ---- orders ---------------------------------------------------------------------------
    def orders(self, until: datetime | None = None) -> Iterator[Order]:
        """Every order in time order (only those processed before `until`, if given)."""
        gen = EuOrderMaker(self) if self.shop.key == "eu" else OrderMaker(self)
        for order in gen.run():
            if until is not None and order.processed_at >= until:
                return
            yield order

    @property
    def last_order_day(self) -> date:
        return self.config.start + timedelta(days=self.config.days - 1)
