"""The demo shop's whole history, a pure function of (profile, seed, orders, days, start).

Orders are spread over `[start, start + days)` with growth, a weekly and a yearly rhythm and
a holiday peak; each order carries its later events (payment, fulfilment, edits, refunds,
cancellation, deletion), which may fall after the window. A fixed list of scripted cases
makes every edge case of docs/metrics.md occur even in a small shop; the same cases also
occur naturally at realistic rates.

`History.orders()` yields the orders in time order and can be replayed any number of times
with the same result; it holds only the customers in memory, never every order.

Each order also carries its ledger (`Order.agreements`): Shopify's sales agreements for
the order, its refunds and its cancellation, with one sale per line, shipping line, duty
and tip. The ledger draws its ids from a seeded RNG of its own, so adding it changed no
other draw of the default shop.

The shop itself is a `ShopProfile` (`spoon.demo.shops`): `us` (the default, tax on top)
or `eu` (a tax-inclusive shop in Berlin: VAT inside prices, export orders without VAT and
with duties, tips). Nothing here is module-level state, so two shops can be generated in
one process.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from spoon.demo import catalog, catalog_eu, shops
from spoon.demo.model import (
    ZERO,
    Address,
    Adjustment,
    Agreement,
    Allocation,
    Customer,
    DemoConfig,
    DiscountApplication,
    Duty,
    Edit,
    Line,
    Location,
    Order,
    Product,
    Refund,
    RefundDuty,
    RefundLine,
    Sale,
    ShippingLine,
    TaxLine,
    Tip,
    Variant,
    cents,
)

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

HOURS = (
    0.30,
    0.20,
    0.12,
    0.08,
    0.08,
    0.12,
    0.25,
    0.45,
    0.65,
    0.85,
    1.00,
    1.10,
    1.20,
    1.15,
    1.05,
    1.00,
    1.00,
    1.05,
    1.15,
    1.35,
    1.45,
    1.35,
    1.00,
    0.60,
)
WEEKDAYS = (0.92, 0.88, 0.90, 0.97, 1.05, 1.18, 1.10)  # Monday first

EDIT_TAGS = ("gift-wrap", "vip", "wholesale-inquiry", "engraved", "priority")
EDIT_NOTES = (
    "Customer asked to leave the parcel at the back door.",
    "Please include a gift receipt.",
    "Address confirmed by phone.",
    "Engrave initials W.S. on the handle.",
)
REFUND_NOTES = ("Damaged in transit", "Wrong size", "Changed mind", "Arrived late", None)


def _thanksgiving(year: int) -> date:
    nov1 = date(year, 11, 1)
    first_thursday = nov1 + timedelta(days=(3 - nov1.weekday()) % 7)
    return first_thursday + timedelta(days=21)


def _mothers_day(year: int) -> date:
    may1 = date(year, 5, 1)
    first_sunday = may1 + timedelta(days=(6 - may1.weekday()) % 7)
    return first_sunday + timedelta(days=7)


def day_weight(day: date, k: int, days: int) -> float:
    """Relative demand of a day: growth x weekly x yearly x holidays."""
    growth = 1.0 + 0.8 * k / max(days, 1)
    weekly = WEEKDAYS[day.weekday()]
    yearly = 1.0 + 0.12 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 355) / 365.25)
    holiday = 1.0
    black_friday = _thanksgiving(day.year) + timedelta(days=1)
    offset = (day - black_friday).days
    if offset in (0, 3):  # Black Friday, Cyber Monday
        holiday = 3.0
    elif offset in (1, 2):
        holiday = 2.1
    elif offset == -1:
        holiday = 0.7  # Thanksgiving
    elif day.month == 12 and day.day <= 18 and offset > 3:
        holiday = 1.5
    elif day.month == 12 and 19 <= day.day <= 22:
        holiday = 1.2
    elif day.month == 12 and 24 <= day.day <= 26:
        holiday = 0.6
    elif day.month == 1 and day.day <= 15:
        holiday = 0.8
    elif day.month == 2 and 7 <= day.day <= 13:
        holiday = 1.15
    elif 0 <= (_mothers_day(day.year) - day).days <= 6:
        holiday = 1.3
    return growth * weekly * yearly * holiday


class _Pick:
    """A weighted choice with precomputed cumulative weights (`random.choices` is slow)."""

    def __init__(
        self,
        population: tuple[object, ...] | list[object],
        weights: tuple[float, ...] | list[float],
    ) -> None:
        self.population = list(population)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.population[bisect.bisect(self.cum, rng.random() * self.total)]


class _Ids:
    """Increasing Shopify-looking ids: base + n x stride + jitter (jitter < stride)."""

    def __init__(self, rng: random.Random, base: int, stride: int) -> None:
        self.rng, self.base, self.stride, self.n = rng, base, stride, 0

    def next(self) -> int:
        self.n += 1
        return self.base + self.n * self.stride + self.rng.randrange(self.stride // 2)


class _HashIds:
    """Like `_Ids`, with the jitter a hash of (salt, n) instead of an RNG draw: the ledger's
    ids (one per sale) draw nothing from the order RNG, and cost no RNG call either."""

    def __init__(self, salt: int, base: int, stride: int) -> None:
        self.salt, self.base, self.stride, self.half, self.n = salt, base, stride, stride // 2, 0

    def next(self) -> int:
        self.n = n = self.n + 1
        return self.base + n * self.stride + ((n ^ self.salt) * 2_654_435_761) % self.half


PICK_HOUR = _Pick(range(24), HOURS)
PICK_GATEWAY = _Pick(("shopify_payments", "paypal"), (82, 18))
PICK_LINES = _Pick((1, 2, 3, 4, 5), (55, 27, 11, 5, 2))
PICK_QTY = _Pick((1, 2, 3, 4), (80, 14, 4, 2))
PICK_PENDING_FATE = _Pick((0, 1, 2), (65, 20, 15))  # paid later, cancelled, stays unpaid
PICK_REFUND_KIND = _Pick(("partial", "full", "shipping"), (55, 37, 8))
PICK_DELAY = _Pick(((1, 14), (15, 30), (31, 75)), (70, 20, 10))
CANCEL_WITH_REFUND = frozenset(("cancel_with_refund", "cancel_with_duties"))
FORCED_PAID_SHIPPING = frozenset(
    ("shipping_only_refund", "shipping_discount", "refund_with_tax", "full_refund_with_shipping")
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
        pids = _Ids(rng, 7_412_000_000_000, 1_000_003)
        vids = _Ids(rng, 42_100_000_000_000, 10_007)
        iids = _Ids(rng, 44_200_000_000_000, 10_009)
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
        gen = _EuOrderMaker(self) if self.shop.key == "eu" else _OrderMaker(self)
        for order in gen.run():
            if until is not None and order.processed_at >= until:
                return
            yield order

    @property
    def last_order_day(self) -> date:
        return self.config.start + timedelta(days=self.config.days - 1)


@dataclass(slots=True)
class _Returned:
    """What of a line's ORDER sale the refunds have returned so far."""

    ordered: Sale
    quantity: int  # not yet returned
    before: Decimal = ZERO  # discounts (before taxes) returned
    after: Decimal = ZERO


class _OrderMaker:
    """Generates the orders of a `History` once, sequentially (one seeded RNG)."""

    def __init__(self, history: History) -> None:
        self.h = history
        self.shop = history.shop
        cfg = history.config
        self.rng = random.Random(f"{self.shop.rng}/{cfg.seed}/orders")
        rng = self.rng
        self.order_ids = _Ids(rng, 5_600_000_000_000, 9_973)
        self.line_ids = _Ids(rng, 13_900_000_000_000, 997)
        self.ship_ids = _Ids(rng, 4_700_000_000_000, 991)
        self.customer_ids = _Ids(rng, 6_512_000_000_000, 7_919)
        self.address_ids = _Ids(rng, 8_100_000_000_000, 7_907)
        self.refund_ids = _Ids(rng, 930_000_000_000, 983)
        self.refund_line_ids = _Ids(rng, 410_000_000_000, 977)
        self.adjustment_ids = _Ids(rng, 250_000_000_000, 971)
        self.transaction_ids = _Ids(rng, 6_900_000_000_000, 967)
        self.customers: list[Customer] = []
        self.repeat_pool = array("q")  # customer index of each registered order
        self.guest_emails: list[tuple[str, str, str]] = []  # (email, first, last)
        self.register_queue: list[tuple[int, str, str, str]] = []
        self.guest_counter = 0
        products = [p for p in history.products if not p.gift_card]
        self.products = products
        self.pick_product = _Pick(products, [p.popularity for p in products])
        self.gift_card = next(p for p in history.products if p.gift_card)
        self.pick_state = _Pick(catalog.US_STATES, [s.weight for s in catalog.US_STATES])
        self.pick_country = _Pick(catalog.ABROAD, [c.weight for c in catalog.ABROAD])
        self.first_names, self.last_names = catalog.FIRST_NAMES, catalog.LAST_NAMES
        self.email_domains = catalog.EMAIL_DOMAINS
        # the ledger's ids: seeded apart from the order RNG, so the ledger changes no draw
        salt = random.Random(f"{self.shop.rng}/{cfg.seed}/ledger").getrandbits(32)
        self.agreement_ids = _HashIds(salt, 1_180_000_000_000, 9_941)
        self.sale_ids = _HashIds(salt, 2_730_000_000_000, 3_989)

    # ---- timeline ------------------------------------------------------------------------
    def _times(self, day: date, count: int, k: int) -> list[datetime]:
        rng = self.rng
        hours = [PICK_HOUR(rng) for _ in range(count)]
        walls = sorted(time(h, rng.randrange(60), rng.randrange(60)) for h in hours)
        instants = [(w, 0) for w in walls]
        forced: list[tuple[time, int]] = []
        h = self.h
        mid = h.config.start + timedelta(days=h.config.days // 2)
        if day in h.dst_days or day + timedelta(days=1) in h.dst_days or day == mid:
            forced.append((time(23, 30), 0))
        if day in h.dst_days and count >= 2:
            # the hour that happens twice when clocks fall back (or the skipped one)
            forced.append((time(1, 30), 1))
        for wall in forced[:count]:
            instants[-1 if wall[0].hour == 23 else 0] = wall
        return sorted(self.shop.local_instant(day, w, fold) for w, fold in instants)

    def _later(self, base: datetime, days: int) -> datetime:
        """A business-hours instant `days` shop-local days after `base` (and after it)."""
        rng = self.rng
        shop = self.shop
        day = shop.local_date(base) + timedelta(days=days)
        at = shop.local_instant(day, time(rng.randint(8, 19), rng.randrange(60), rng.randrange(60)))
        if at <= base:
            at = base + timedelta(minutes=rng.randint(5, 180))
        return at

    def run(self) -> Iterator[Order]:
        cfg = self.h.config
        i = 0
        for k, count in enumerate(self.h.day_counts):
            if count == 0:
                continue
            day = cfg.start + timedelta(days=k)
            for at in self._times(day, count, k):
                yield self._order(i, at, self.h.scripted.get(i))
                i += 1

    # ---- people ----------------------------------------------------------------------------
    def _address(self, first: str, last: str, abroad: bool, state: str | None = None) -> Address:
        rng = self.rng
        street = f"{rng.randint(10, 9999)} {rng.choice(catalog.STREETS)}"
        unit = f"Apt {rng.randint(1, 40)}" if rng.random() < 0.2 else None
        if abroad:
            country = self.pick_country(rng)
            city, province, pcode, zip_ = rng.choice(country.places)
            return Address(
                first,
                last,
                street,
                unit,
                city,
                province,
                pcode,
                country.name,
                country.code,
                zip_,
                None,
            )
        if state is not None:
            st = next(s for s in catalog.US_STATES if s.code == state)
        else:
            st = self.pick_state(rng)
        city, prefix, local_rate = rng.choice(st.cities)
        phone = f"+1 {rng.randint(201, 989)}-555-01{rng.randrange(100):02d}"
        return Address(
            first,
            last,
            street,
            unit,
            city,
            st.name,
            st.code,
            "United States",
            "US",
            f"{prefix}{rng.randrange(100):02d}",
            phone,
            st.tax_rate,
            local_rate,
            st.taxes_shipping,
        )

    def _name(self) -> tuple[str, str]:
        return self.rng.choice(self.first_names), self.rng.choice(self.last_names)

    def _new_customer(
        self,
        at: datetime,
        *,
        abroad: bool,
        state: str | None = None,
        email: str | None = None,
        name: tuple[str, str] | None = None,
    ) -> Customer:
        rng = self.rng
        idx = len(self.customers)
        first, last = name or self._name()
        if email is None:
            domain = rng.choice(self.email_domains)
            email = f"{first.lower()}.{last.lower()}{idx + 1}@{domain}"
        address = self._address(first, last, abroad, state)
        customer = Customer(
            index=idx,
            id=self.customer_ids.next(),
            email=email,
            first_name=first,
            last_name=last,
            phone=address.phone,
            address=address,
            address_id=self.address_ids.next(),
            accepts_marketing=rng.random() < 0.45,
            created_at=at - timedelta(seconds=rng.randint(30, 900)),
        )
        self.customers.append(customer)
        return customer

    def _guest_email(self, first: str, last: str) -> str:
        self.guest_counter += 1
        domain = self.rng.choice(self.email_domains)
        return f"{first.lower()}{last.lower()}.{self.guest_counter}@{domain}"

    def _buyer(
        self, i: int, at: datetime, sc: str | None, abroad: bool, state: str | None
    ) -> tuple[Customer | None, str | None, Address, str]:
        """(customer, email, address, source_name) of order `i`."""
        rng = self.rng
        if sc == "guest_later_customer":
            first, last = self._name()
            email = self._guest_email(first, last)
            due = i + max(3, self.h.config.orders // 20)
            self.register_queue.append((due, email, first, last))
            local, domain = email.split("@")
            shown = f"{local[:1].upper()}{local[1:]}@{domain.capitalize()}"  # same, normalised
            return None, shown, self._address(first, last, abroad, state), "web"
        if sc == "guest_anonymous" or (sc is None and rng.random() < 0.008):
            first, last = self._name()
            return None, None, self._address(first, last, abroad, state), "shopify_draft_order"
        if self.register_queue and i >= self.register_queue[0][0]:
            _, email, first, last = self.register_queue.pop(0)
            customer = self._new_customer(
                at, abroad=abroad, state=state, email=email, name=(first, last)
            )
            self.repeat_pool.append(customer.index)
            return customer, customer.email, customer.address, "web"
        r = rng.random()
        if sc is None and r < 0.07:  # guest checkout with an e-mail
            first, last = self._name()
            email = self._guest_email(first, last)
            if len(self.guest_emails) < 5000:
                self.guest_emails.append((email, first, last))
            return None, email, self._address(first, last, abroad, state), "web"
        repeat_p = min(0.42, 0.08 + 0.5 * len(self.customers) / max(self.h.config.orders, 1))
        if self.repeat_pool and rng.random() < repeat_p and state is None and not abroad:
            customer = self.customers[self.repeat_pool[rng.randrange(len(self.repeat_pool))]]
        elif self.guest_emails and rng.random() < 0.15:  # a past guest signs up
            email, first, last = self.guest_emails.pop(rng.randrange(len(self.guest_emails)))
            customer = self._new_customer(
                at, abroad=abroad, state=state, email=email, name=(first, last)
            )
        else:
            customer = self._new_customer(at, abroad=abroad, state=state)
        self.repeat_pool.append(customer.index)
        return customer, customer.email, customer.address, "web"

    # ---- one order ---------------------------------------------------------------------------
    def _order(self, i: int, at: datetime, sc: str | None) -> Order:
        rng = self.rng
        abroad = sc in ("presentment", "presentment_refunded") or (
            sc is None and rng.random() < 0.09
        )
        state = {
            "shipping_only_refund": "TX",
            "refund_with_tax": "NY",
            "full_refund_with_shipping": "WA",
            "shipping_discount": "CA",
        }.get(sc or "")
        customer, email, address, source = self._buyer(i, at, sc, abroad, state)
        abroad = address.country_code != "US"
        # presentment currency: most shoppers abroad pay in their own currency
        currency, rate = self.shop.currency, Decimal(1)
        if abroad and (sc in ("presentment", "presentment_refunded") or rng.random() < 0.8):
            country = next(c for c in catalog.ABROAD if c.code == address.country_code)
            currency, rate = country.currency, self._rate(country.rate, at)

        lines = self._lines(sc)
        order = self._new_order(i, at, sc, customer, email, address, currency, rate, source, lines)
        return self._complete(order, address, sc)

    def _complete(self, order: Order, address: Address, sc: str | None) -> Order:
        """Checkout (discounts, shipping, taxes, extras), then what happens after, then
        the ledger of it all."""
        self._discounts(order, sc)
        self._shipping(order, address, sc)
        self._taxes(order, address)
        self._extras(order, address, sc)
        order.seal()
        self._lifecycle(order, sc)
        self._book(order)
        return order

    def _extras(self, order: Order, address: Address, sc: str | None) -> None:
        """Charges beyond goods, shipping and tax (the US shop has none)."""

    @staticmethod
    def _rate(rate: Decimal, at: datetime) -> Decimal:
        """A presentment rate that wobbles a little over time."""
        wobble = Decimal(1 + 0.02 * math.sin(at.timestamp() / 86400 / 9)).quantize(
            Decimal("0.0001")
        )
        return (rate * wobble).quantize(Decimal("0.0001"))

    def _new_order(
        self,
        i: int,
        at: datetime,
        sc: str | None,
        customer: Customer | None,
        email: str | None,
        address: Address,
        currency: str,
        rate: Decimal,
        source: str,
        lines: list[Line],
        *,
        taxes_included: bool = False,
    ) -> Order:
        rng = self.rng
        order = Order(
            index=i,
            id=self.order_ids.next(),
            number=1001 + i,
            processed_at=at,
            customer=customer,
            email=email,
            shipping_address=None,
            billing_address=address,
            currency=currency,
            rate=rate,
            source_name=source,
            gateway=PICK_GATEWAY(rng),
            lines=lines,
            shipping_lines=[],
            applications=[],
            token=f"{rng.getrandbits(128):032x}",
            shop=self.shop,
            taxes_included=taxes_included,
        )
        if sc:
            order.cases.add(sc)
        return order

    def _lines(self, sc: str | None) -> list[Line]:
        rng = self.rng
        if sc == "gift_card_only" or (sc is None and rng.random() < 0.004):
            n_lines = 0
        elif sc in (
            "order_discount_multi_line",
            "multiple_refunds",
            "partial_refund_then_cancel",
            "partial_refund_then_cancel_no_refund",
            "late_partial_refund",
        ):
            n_lines = rng.randint(2, 4)
        else:
            n_lines = PICK_LINES(rng)
        chosen: list[Product] = []
        while len(chosen) < n_lines:
            p = self.pick_product(rng)
            if p not in chosen:
                chosen.append(p)
        lines = []
        for p in chosen:
            variant = rng.choice(p.variants)
            qty = PICK_QTY(rng)
            if sc == "late_partial_refund" and not lines:
                qty = max(qty, 2)
            lines.append(Line(self.line_ids.next(), variant, p, qty))
        if n_lines == 0 or sc == "gift_card_line" or (sc is None and rng.random() < 0.015):
            variant = rng.choice(self.gift_card.variants)
            lines.append(Line(self.line_ids.next(), variant, self.gift_card, 1))
        return lines

    def _discounts(self, order: Order, sc: str | None) -> None:
        rng = self.rng
        merch = [line for line in order.lines if not line.gift_card]
        if not merch:
            return
        apps = order.applications
        if sc == "line_discount" or (sc is None and rng.random() < 0.06):
            target = max(merch, key=lambda line: line.gross)
            app = DiscountApplication(
                len(apps),
                "automatic",
                None,
                "Bundle & save 20%",
                "Bundle & save 20%",
                Decimal("20.0"),
                "percentage",
                "across",
                "entitled",
                "line_item",
            )
            apps.append(app)
            target.allocate(Allocation(app.index, cents(target.gross * Decimal("0.2"))))
        if sc == "order_discount_multi_line" or (sc is None and rng.random() < 0.11):
            base = sum((line.net for line in merch), ZERO)
            month = order.processed_at.astimezone(self.shop.tz).month
            if sc is None and base >= 100 and rng.random() < 0.3:
                code, value, vtype = "SAVE20", Decimal("20.00"), "fixed_amount"
                total = min(value, base)
            elif sc is None and month in (11, 12) and rng.random() < 0.6:
                code, value, vtype = "SPOON15", Decimal("15.0"), "percentage"
                total = cents(base * value / 100)
            else:
                code, value, vtype = "WELCOME10", Decimal("10.0"), "percentage"
                total = cents(base * value / 100)
            app = DiscountApplication(
                len(apps),
                "discount_code",
                code,
                code,
                code,
                value,
                vtype,
                "across",
                "all",
                "line_item",
            )
            apps.append(app)
            self._allocate(merch, app.index, total, base)

    @staticmethod
    def _allocate(lines: list[Line], index: int, total: Decimal, base: Decimal) -> None:
        """Spread an order-level discount over lines pro rata (remainder on the last)."""
        left = total
        for n, line in enumerate(lines):
            share = left if n == len(lines) - 1 else cents(total * line.net / base)
            share = min(share, line.net)
            left -= share
            line.allocate(Allocation(index, share))

    def _shipping(self, order: Order, address: Address, sc: str | None) -> None:
        if not any(not line.gift_card for line in order.lines):
            return
        merch = sum((line.net for line in order.lines if not line.gift_card), ZERO)
        title, code, price = self._shipping_rate(address, merch, sc)
        line = ShippingLine(self.ship_ids.next(), title, code, price)
        order.shipping_lines.append(line)
        order.shipping_address = address
        if price > 0 and (sc == "shipping_discount" or (sc is None and self.rng.random() < 0.04)):
            app = DiscountApplication(
                len(order.applications),
                "discount_code",
                "FREESHIP",
                "FREESHIP",
                "Free shipping",
                Decimal("100.0"),
                "percentage",
                "each",
                "all",
                "shipping_line",
            )
            order.applications.append(app)
            line.allocate(Allocation(app.index, price))

    def _shipping_rate(
        self, address: Address, merch: Decimal, sc: str | None
    ) -> tuple[str, str, Decimal]:
        """(title, code, price) of the order's one shipping line."""
        rng = self.rng
        forced_paid = sc in FORCED_PAID_SHIPPING
        if address.country_code != "US":
            title, code, price = (
                "International",
                "INTL",
                Decimal("24.00" if merch < 150 else "12.00"),
            )
        elif rng.random() < 0.15 or forced_paid:
            title, code, price = "Expedited", "EXPEDITED", Decimal("14.95")
        elif merch >= 75 and rng.random() < 0.8:
            title, code, price = "Free Standard Shipping", "FREE", Decimal("0.00")
        else:
            title, code, price = "Standard", "STANDARD", Decimal("6.95")
        if sc == "shipping_only_refund":
            title, code, price = "Standard", "STANDARD", Decimal("6.95")
        return title, code, price

    @staticmethod
    def _tax_lines(address: Address, amount: Decimal) -> list[TaxLine]:
        if address.country_code != "US" or address.state_rate == 0:
            return []
        out = [
            TaxLine(
                f"{address.province_code} State Tax",
                address.state_rate,
                cents(amount * address.state_rate),
            )
        ]
        if address.local_rate:
            out.append(
                TaxLine(
                    f"{address.city} City Tax",
                    address.local_rate,
                    cents(amount * address.local_rate),
                )
            )
        return out

    def _taxes(self, order: Order, address: Address) -> None:
        for line in order.lines:
            if not line.gift_card:
                line.set_taxes(self._tax_lines(address, line.net))
        for ship in order.shipping_lines:
            if address.taxes_shipping and ship.net > 0:
                ship.set_taxes(self._tax_lines(address, ship.net))

    # ---- what happens after checkout ------------------------------------------------------
    def _lifecycle(self, order: Order, sc: str | None) -> None:
        rng = self.rng
        at = order.processed_at
        has_gc = any(line.gift_card for line in order.lines)
        # paid gift cards and tips are never cancelled (a refund never pays a tip back)
        keep = has_gc or bool(order.tips)
        if sc in ("test_order", "test_order_refunded") or (sc is None and rng.random() < 0.0025):
            order.test = True
            order.gateway = "bogus"
            order.cases.add("test")
            order.fulfilled_at = self._later(at, rng.randint(0, 2))
            if sc == "test_order_refunded" or (sc is None and rng.random() < 0.3):
                self._refund(
                    order,
                    at + timedelta(minutes=rng.randint(5, 60)),
                    self._remaining(order),
                    shipping=True,
                )
            self._transactions(order)
            return
        if sc in ("deleted_order", "deleted_after_cancel") or (sc is None and rng.random() < 0.001):
            order.cases.add("deleted")
            if sc == "deleted_after_cancel":
                self._cancel(order, self._later(at, 0), "customer", refund=True)
                order.deleted_at = self._later(order.cancelled_at or at, 2)
            else:
                order.fulfilled_at = self._later(at, 1)
                order.deleted_at = self._later(at, rng.randint(2, 15))
            self._transactions(order)
            return
        pending_case = sc in (
            "pending_unpaid",
            "pending_then_paid",
            "pending_cancelled",
            "tip_cancelled",
        )
        if pending_case or (sc is None and rng.random() < 0.018):
            order.pending = True
            order.gateway = "Bank Deposit"
            order.cases.add("pending")
            fate = {
                "pending_unpaid": 2,
                "pending_then_paid": 0,
                "pending_cancelled": 1,
                "tip_cancelled": 1,
            }.get(sc or "", PICK_PENDING_FATE(rng))
            if fate == 0:
                order.paid_at = self._later(at, rng.randint(1, 6))
            elif fate == 1:
                self._cancel(order, self._later(at, rng.randint(3, 10)), "declined", refund=False)
                self._transactions(order)
                return
            else:
                self._transactions(order)
                return
        paid = order.paid_at or at
        # cancellations (before fulfilment)
        if sc in CANCEL_WITH_REFUND or (sc is None and not keep and rng.random() < 0.0085):
            self._cancel(order, self._later(paid, rng.randint(0, 2)), "customer", refund=True)
            self._transactions(order)
            return
        if sc == "cancel_without_refund" or (sc is None and not keep and rng.random() < 0.0015):
            self._cancel(order, self._later(paid, rng.randint(0, 2)), "other", refund=False)
            self._transactions(order)
            return
        if sc in ("partial_refund_then_cancel", "partial_refund_then_cancel_no_refund"):
            first = order.lines[0]
            self._refund(order, self._later(paid, 1), [(first, first.quantity)], shipping=False)
            self._cancel(
                order, self._later(paid, 3), "customer", refund=sc == "partial_refund_then_cancel"
            )
            self._transactions(order)
            return
        order.fulfilled_at = self._later(paid, rng.randint(0, 3) if has_gc else rng.randint(1, 4))
        self._refunds(order, sc, paid)
        if sc == "edited" or (sc is None and rng.random() < 0.03):
            when = self._later(at, rng.randint(2, 40) if sc is None else 10)
            order.edits.append(Edit(when, rng.choice(EDIT_NOTES), rng.choice(EDIT_TAGS)))
            order.cases.add("edited")
        self._transactions(order)

    def _refunds(self, order: Order, sc: str | None, paid: datetime) -> None:
        rng = self.rng
        merch = [line for line in order.lines if not line.gift_card]
        ship_net = sum((s.net for s in order.shipping_lines), ZERO)
        if not merch and sc is None:
            return
        if sc == "late_partial_refund":
            line = merch[0]
            self._refund(order, self._later(paid, rng.randint(32, 45)), [(line, 1)], shipping=False)
            order.cases.add("late_refund")
            return
        if sc == "shipping_only_refund":
            self._refund(order, self._later(paid, 6), [], shipping=True, note="Arrived late")
            return
        if sc == "refund_with_tax":
            self._refund(
                order, self._later(paid, 5), [(merch[0], merch[0].quantity)], shipping=False
            )
            return
        if sc in ("discrepancy_over", "discrepancy_under"):
            line = merch[0]
            # over-refund (goodwill) is negative; a restocking fee (refund less) positive
            amount = Decimal("-5.00") if sc == "discrepancy_over" else cents(line.net / 10)
            self._refund(
                order,
                self._later(paid, 8),
                [(line, line.quantity)],
                shipping=False,
                discrepancy=amount,
            )
            return
        if sc == "multiple_refunds":
            self._refund(
                order, self._later(paid, 4), [(merch[0], merch[0].quantity)], shipping=False
            )
            self._refund(
                order, self._later(paid, 12), [(merch[1], merch[1].quantity)], shipping=False
            )
            return
        if sc in ("full_refund_with_shipping", "presentment_refunded"):
            self._refund(order, self._later(paid, 7), self._remaining(order), shipping=True)
            return
        if sc is not None or rng.random() >= 0.06:
            return
        delay = rng.randint(*PICK_DELAY(rng))
        when = self._later(paid, delay)
        kind = PICK_REFUND_KIND(rng)
        if kind == "shipping" and ship_net > 0:
            self._refund(order, when, [], shipping=True, note="Arrived late")
        elif kind == "full":
            self._refund(order, when, self._remaining(order), shipping=rng.random() < 0.4)
        else:
            line = rng.choice(merch)
            qty = rng.randint(1, line.quantity)
            discrepancy = ZERO
            if rng.random() < 0.1:
                discrepancy = Decimal("-5.00") if rng.random() < 0.5 else cents(line.net / 10)
            self._refund(order, when, [(line, qty)], shipping=False, discrepancy=discrepancy)
            rest = [(x, x.quantity) for x in merch if x is not line]
            if rest and rng.random() < 0.12:
                self._refund(order, self._later(when, rng.randint(2, 20)), rest[:1], shipping=False)
        if delay > 30:
            order.cases.add("late_refund")

    # ---- money movements --------------------------------------------------------------------
    @staticmethod
    def _refunded(order: Order) -> tuple[dict[int, int], dict[int, Decimal], dict[int, Decimal]]:
        qty: dict[int, int] = {}
        sub: dict[int, Decimal] = {}
        tax: dict[int, Decimal] = {}
        for refund in order.refunds:
            for rl in refund.lines:
                qty[rl.line.id] = qty.get(rl.line.id, 0) + rl.quantity
                sub[rl.line.id] = sub.get(rl.line.id, ZERO) + rl.subtotal
                tax[rl.line.id] = tax.get(rl.line.id, ZERO) + rl.tax
        return qty, sub, tax

    def _remaining(self, order: Order) -> list[tuple[Line, int]]:
        qty, _, _ = self._refunded(order)
        return [
            (line, line.quantity - qty.get(line.id, 0))
            for line in order.lines
            if not line.gift_card and line.quantity > qty.get(line.id, 0)
        ]

    def _refund(
        self,
        order: Order,
        at: datetime,
        items: list[tuple[Line, int]],
        *,
        shipping: bool,
        discrepancy: Decimal = ZERO,
        restock_type: str = "return",
        note: str | None = None,
    ) -> Refund | None:
        done_qty, done_sub, done_tax = self._refunded(order)
        # a refund of everything left also pays back the duties (export orders)
        refund_duties = any(line.duties for line in order.lines) and [
            (line.id, qty) for line, qty in items
        ] == [(line.id, qty) for line, qty in self._remaining(order)]
        lines = []
        for line, want in items:
            left = line.quantity - done_qty.get(line.id, 0)
            qty = min(want, left)
            if qty <= 0 or line.gift_card:
                continue
            if qty == left:
                subtotal = line.net - done_sub.get(line.id, ZERO)
                tax = line.tax - done_tax.get(line.id, ZERO)
            else:
                subtotal = cents(line.net * qty / line.quantity)
                tax = cents(line.tax * qty / line.quantity)
            lines.append(
                RefundLine(self.refund_line_ids.next(), line, qty, subtotal, tax, restock_type)
            )
        adjustments = []
        if shipping:
            refunded_ship = sum(
                (
                    -a.amount
                    for r in order.refunds
                    for a in r.adjustments
                    if a.kind == "shipping_refund"
                ),
                ZERO,
            )
            refunded_ship_tax = sum(
                (
                    -a.tax_amount
                    for r in order.refunds
                    for a in r.adjustments
                    if a.kind == "shipping_refund"
                ),
                ZERO,
            )
            ship_left = sum((s.net for s in order.shipping_lines), ZERO) - refunded_ship
            tax_left = sum((s.tax for s in order.shipping_lines), ZERO) - refunded_ship_tax
            if order.taxes_included:  # the adjustment's amount is the shipping without tax
                ship_left -= tax_left
            if ship_left > 0:
                adjustments.append(
                    Adjustment(
                        self.adjustment_ids.next(),
                        "shipping_refund",
                        -ship_left,
                        -tax_left,
                        "Shipping refund",
                    )
                )
        refund = Refund(
            id=self.refund_ids.next(),
            at=at,
            lines=lines,
            adjustments=adjustments,
            note=note if note is not None else self.rng.choice(REFUND_NOTES),
            transaction_id=self.transaction_ids.next(),
            restock=restock_type != "no_restock" and bool(lines),
            taxes_included=order.taxes_included,
        )
        if refund_duties:
            refund.duties = self._duties_left(order)
        if discrepancy:
            paid_back = sum((r.amount for r in order.refunds), ZERO) + refund.amount
            if paid_back - discrepancy <= order.total_price:
                refund.adjustments.append(
                    Adjustment(
                        self.adjustment_ids.next(),
                        "refund_discrepancy",
                        discrepancy,
                        ZERO,
                        "Refund discrepancy",
                    )
                )
                order.cases.add("discrepancy")
        if not refund.lines and not refund.adjustments and not refund.duties:
            return None
        order.refunds.append(refund)
        if refund.lines and any(rl.tax for rl in refund.lines):
            order.cases.add("tax_refund")
        if refund.duties:
            order.cases.add("duty_refund")
        if any(a.kind == "shipping_refund" for a in refund.adjustments):
            order.cases.add("shipping_refund" if refund.lines else "shipping_only_refund")
        if refund.lines:
            order.cases.add("partial_refund" if self._remaining(order) else "full_refund")
        return refund

    @staticmethod
    def _duties_left(order: Order) -> list[RefundDuty]:
        """Every duty of the order less what earlier refunds paid back of it."""
        done: dict[int, Decimal] = {}
        for r in order.refunds:
            for rd in r.duties:
                done[rd.duty.id] = done.get(rd.duty.id, ZERO) + rd.amount
        return [
            RefundDuty(d, d.amount - done.get(d.id, ZERO))
            for line in order.lines
            for d in line.duties
            if d.amount - done.get(d.id, ZERO) > 0
        ]

    def _cancel(self, order: Order, at: datetime, reason: str, *, refund: bool) -> None:
        order.cancelled_at = at
        order.cancel_reason = reason
        order.fulfilled_at = None
        if refund and order.is_paid(at + timedelta(seconds=1)):
            made = self._refund(
                order,
                at,
                self._remaining(order),
                shipping=True,
                restock_type="cancel",
                note="Order canceled",
            )
            order.cases.add("cancelled_with_refund" if made else "cancelled_after_full_refund")
        else:
            order.cases.add("cancelled_without_refund")

    def _transactions(self, order: Order) -> None:
        if not order.pending or order.paid_at is not None:
            order.sale_transaction_id = self.transaction_ids.next()

    # ---- the ledger (order_agreements) ---------------------------------------------------
    def _sale(
        self,
        kind: str,
        action: str,
        line_type: str,
        quantity: int | None,
        total: Decimal,
        tax: Decimal = ZERO,
        before: Decimal = ZERO,
        after: Decimal = ZERO,
        line_id: int | None = None,
    ) -> Sale:
        return Sale(
            self.sale_ids.next(), kind, action, line_type, quantity, total, tax, before, after,
            line_id,
        )  # fmt: skip

    @staticmethod
    def _discount_split(
        included: bool, price: Decimal, discount: Decimal, tax: Decimal, taxes: list[TaxLine]
    ) -> tuple[Decimal, Decimal]:
        """(discount before taxes, discount after taxes) of a line or shipping line.

        Tax on top: the discount itself, and the discount plus the tax it removed. Taxes
        included: the split rule of docs/metrics.md (the included tax comes out of the
        price first; the discount without tax absorbs the rounding cent), and the discount.
        """
        if not included:
            if not discount:
                return discount, discount
            return discount, discount + cents(discount * sum((t.rate for t in taxes), ZERO))
        rate = sum((t.rate for t in taxes), ZERO)
        if rate:
            gross = price - cents(price * rate / (1 + rate))
        elif tax and price > discount:  # a tax without its rate: its share of the price
            gross = price - cents(tax * price / (price - discount))
        else:
            gross = price if not tax else price - tax
        return gross - (price - discount - tax), discount

    def _book(self, order: Order) -> None:
        """Shopify's ledger of the order: one agreement at checkout, one per refund, one
        for what a cancellation reversed that no refund had (RETURN sales are negative)."""
        included = order.taxes_included
        sale = self._sale
        agreements = []

        # the order, at checkout
        sales = []
        for line in order.lines:
            if line.gift_card:
                sales.append(sale("GiftCardSale", "ORDER", "GIFT_CARD", line.quantity, line.net))
                continue
            before, after = self._discount_split(
                included, line.gross, line.discount, line.tax, line.tax_lines
            )
            total = line.net if included else line.net + line.tax
            sales.append(
                sale(
                    "ProductSale", "ORDER", "PRODUCT", line.quantity, total, line.tax, before,
                    after, line.id,
                )
            )  # fmt: skip
        for tip in order.tips:
            sales.append(sale("TipSale", "ORDER", "TIP", None, tip.amount))
        for ship in order.shipping_lines:
            before, after = self._discount_split(
                included, ship.price, ship.discount, ship.tax, ship.tax_lines
            )
            total = ship.net if included else ship.net + ship.tax
            sales.append(
                sale("ShippingLineSale", "ORDER", "SHIPPING", None, total, ship.tax, before, after)
            )
        for line in order.lines:
            for duty in line.duties:
                sales.append(sale("DutySale", "ORDER", "DUTY", None, duty.amount))
        agreements.append(
            Agreement(
                self.agreement_ids.next(), "OrderAgreement", "ORDER", order.processed_at,
                tuple(sales),
            )
        )  # fmt: skip

        # each refund, on its own date
        left = {s.line_id: _Returned(s, s.quantity or 0) for s in sales if s.line_id is not None}
        for refund in order.refunds:
            sales = []
            for rl in refund.lines:
                sales.append(
                    self._return(left[rl.line.id], rl.quantity, rl.subtotal, rl.tax, included)
                )
            for adj in refund.adjustments:
                total = adj.amount + adj.tax_amount
                if adj.kind == "shipping_refund":
                    sales.append(
                        sale("ShippingLineSale", "RETURN", "SHIPPING", None, total, adj.tax_amount)
                    )
                else:  # refund_discrepancy: signed as Shopify signs the adjustment
                    sales.append(
                        sale("AdjustmentSale", "RETURN", "ADJUSTMENT", None, total, adj.tax_amount)
                    )
            for rd in refund.duties:
                sales.append(sale("DutySale", "RETURN", "DUTY", None, ZERO - rd.amount))
            agreements.append(
                Agreement(
                    self.agreement_ids.next(), "RefundAgreement", "REFUND", refund.at,
                    tuple(sales),
                )
            )  # fmt: skip

        # a cancellation reverses whatever the refunds have not
        if order.cancelled_at is not None:
            sales = self._cancelled(order, left, included)
            if sales:
                refunded = any(r.at == order.cancelled_at for r in order.refunds)
                agreements.append(
                    Agreement(
                        self.agreement_ids.next(),
                        "RefundAgreement" if refunded else "OrderEditAgreement",
                        "REFUND" if refunded else "ORDER_EDIT",
                        order.cancelled_at,
                        tuple(sales),
                    )
                )
        agreements.sort(key=lambda a: a.at)
        order.agreements = agreements

    def _return(
        self, state: _Returned, qty: int, subtotal: Decimal, tax: Decimal, included: bool
    ) -> Sale:
        """A RETURN sale of `qty` of a line (the last return of a line takes the rest of
        its discounts, earlier ones their share)."""
        ordered = state.ordered
        if qty >= state.quantity:
            before = ordered.discount_before_taxes - state.before
            after = ordered.discount_after_taxes - state.after
        else:
            before = cents(ordered.discount_before_taxes * qty / ordered.quantity)  # type: ignore[operator]
            after = cents(ordered.discount_after_taxes * qty / ordered.quantity)  # type: ignore[operator]
        state.quantity -= qty
        state.before += before
        state.after += after
        total = subtotal if included else subtotal + tax
        return self._sale(
            "ProductSale", "RETURN", "PRODUCT", -qty, ZERO - total, ZERO - tax, ZERO - before,
            ZERO - after, ordered.line_id,
        )  # fmt: skip

    def _cancelled(self, order: Order, left: dict[int, _Returned], included: bool) -> list[Sale]:
        """RETURN sales of what a cancellation reversed: the lines, shipping and duties no
        refund had paid back."""
        sub: dict[int, Decimal] = {}
        tax: dict[int, Decimal] = {}
        ship_back = ship_tax_back = ZERO
        duty_back: dict[int, Decimal] = {}
        for r in order.refunds:
            for rl in r.lines:
                sub[rl.line.id] = sub.get(rl.line.id, ZERO) + rl.subtotal
                tax[rl.line.id] = tax.get(rl.line.id, ZERO) + rl.tax
            for a in r.adjustments:
                if a.kind == "shipping_refund":
                    ship_back -= a.amount + a.tax_amount
                    ship_tax_back -= a.tax_amount
            for rd in r.duties:
                duty_back[rd.duty.id] = duty_back.get(rd.duty.id, ZERO) + rd.amount
        sales = []
        for line in order.lines:
            if line.gift_card:
                continue
            state = left[line.id]
            sub_left = line.net - sub.get(line.id, ZERO)
            tax_left = line.tax - tax.get(line.id, ZERO)
            if state.quantity > 0 or sub_left or tax_left:
                sales.append(self._return(state, state.quantity, sub_left, tax_left, included))
        paid = sum((s.net if included else s.net + s.tax for s in order.shipping_lines), ZERO)
        paid_tax = sum((s.tax for s in order.shipping_lines), ZERO)
        if paid - ship_back or paid_tax - ship_tax_back:
            sales.append(
                self._sale(
                    "ShippingLineSale", "RETURN", "SHIPPING", None, ship_back - paid,
                    ship_tax_back - paid_tax,
                )
            )  # fmt: skip
        for line in order.lines:
            for duty in line.duties:
                rest = duty.amount - duty_back.get(duty.id, ZERO)
                if rest:
                    sales.append(self._sale("DutySale", "RETURN", "DUTY", None, ZERO - rest))
        for tip in order.tips:  # refunds never pay a tip back: a cancellation reverses it
            sales.append(self._sale("TipSale", "RETURN", "TIP", None, ZERO - tip.amount))
        return sales


#: The EU shop's scripted cases that need a customer in a given country.
EU_MARKET_OF = {
    "issue_example": "DE",
    "tip": "DE",
    "tip_cancelled": "DE",
    "shipping_only_refund": "DE",
    "refund_with_tax": "DE",
    "full_refund_with_shipping": "DE",
    "shipping_discount": "DE",
    "cancel_with_refund": "DE",
    "cancel_without_refund": "DE",
    "late_night_refund": "DE",
    "eu_reduced_rate": "FR",
    "inclusive_partial_refund": "AT",
    "export_duties": "CH",
    "export_no_duties": "US",
    "duty_refund": "GB",
    "cancel_with_duties": "NO",
    "presentment": "CH",
    "presentment_refunded": "GB",
}
DUTY_CASES = frozenset(("export_duties", "duty_refund", "cancel_with_duties"))


class _EuOrderMaker(_OrderMaker):
    """The tax-inclusive EU shop (Berlin, EUR): VAT inside every price at the customer's EU
    country's rate; export orders (CH, GB, US, NO) at the price without German VAT, with no
    VAT and often with duties collected at checkout; tips on some orders."""

    def __init__(self, history: History) -> None:
        super().__init__(history)
        eu = catalog_eu
        self.first_names, self.last_names = eu.FIRST_NAMES, eu.LAST_NAMES
        self.email_domains = eu.EMAIL_DOMAINS
        self.home = eu.MARKET[eu.HOME]
        abroad = [m for m in eu.MARKETS if m.code != eu.HOME]
        self.pick_abroad = _Pick(abroad, [m.weight for m in abroad])
        self.duty_ids = _Ids(self.rng, 37_400_000_000, 983)
        self.by_title = {p.title: p for p in history.products}

    # ---- timeline: local midnight and both DST changes ------------------------------------
    def _times(self, day: date, count: int, k: int) -> list[datetime]:
        rng = self.rng
        hours = [PICK_HOUR(rng) for _ in range(count)]
        walls = sorted(time(h, rng.randrange(60), rng.randrange(60)) for h in hours)
        instants = [(w, 0) for w in walls]
        h = self.h
        forced: list[tuple[time, int]] = []
        if day in h.dst_days:  # 02:30 twice in October; in March 01:30 CET and 03:30 CEST
            forced += [(time(2, 30), 0), (time(2, 30), 1)]
        if day in h.special_days:  # 00:30 local is the previous day in UTC
            forced += [(time(0, 30), 0), (time(23, 30), 0)]
        for n, wall in enumerate(forced[:count]):
            instants[n] = wall
        return sorted(self.shop.local_instant(day, w, fold) for w, fold in instants)

    # ---- people ----------------------------------------------------------------------------
    def _address(self, first: str, last: str, abroad: bool, state: str | None = None) -> Address:
        rng = self.rng
        street = f"{rng.choice(catalog_eu.STREETS)} {rng.randint(1, 180)}"
        if state is not None:
            market = catalog_eu.MARKET[state]
        else:
            market = self.pick_abroad(rng) if abroad else self.home
        city, province, pcode, zip_ = rng.choice(market.places)
        phone = None
        if rng.random() < 0.4:
            phone = f"{market.phone} {rng.randint(30, 899)} {rng.randrange(10**6, 10**7)}"
        return Address(
            first, last, street, None, city, province, pcode, market.name, market.code, zip_,
            phone,
        )  # fmt: skip

    # ---- one order ---------------------------------------------------------------------------
    def _order(self, i: int, at: datetime, sc: str | None) -> Order:
        rng = self.rng
        state = EU_MARKET_OF.get(sc or "")
        abroad = state != catalog_eu.HOME if state else rng.random() < 0.3
        customer, email, address, source = self._buyer(i, at, sc, abroad, state)
        market = catalog_eu.MARKET[address.country_code]
        currency, rate = self.shop.currency, Decimal(1)
        if market.currency != currency and (
            sc in ("presentment", "presentment_refunded") or rng.random() < 0.7
        ):
            currency, rate = market.currency, self._rate(market.rate, at)
        lines = self._scripted_lines(sc, self._lines(sc))
        if market.export:  # the price without German VAT: exports carry no VAT
            for line in lines:
                if not line.gift_card:
                    vat = self.home.vat(line.product.tax_class)
                    line.price = cents(line.variant.price / (1 + vat))
                    line.gross = line.price * line.quantity
        order = self._new_order(
            i, at, sc, customer, email, address, currency, rate, source, lines,
            taxes_included=not market.export,
        )  # fmt: skip
        order.cases.add("export" if market.export else "taxes_included")
        return self._complete(order, address, sc)

    def _extras(self, order: Order, address: Address, sc: str | None) -> None:
        self._duties(order, catalog_eu.MARKET[address.country_code], sc)
        self._tips(order, sc)

    def _scripted_lines(self, sc: str | None, lines: list[Line]) -> list[Line]:
        def line(title: str, variant: str, qty: int) -> Line:
            product = self.by_title[title]
            v = next(v for v in product.variants if v.title == variant)
            return Line(self.line_ids.next(), v, product, qty)

        if sc == "issue_example":  # one 107.00 line, 7 % VAT inside
            return [line("Woodcraft Library", "Complete set", 1)]
        if sc == "eu_reduced_rate":  # 5.5 % and 20 % French VAT in one order
            return [line("Forest Honey", "500 g", 2), line("Cherry Wood Spoon", "Medium", 1)]
        if sc == "inclusive_partial_refund":
            return [line("Spoon Carving Handbook", "Hardcover", 3), *lines[1:]]
        return lines

    def _shipping_rate(
        self, address: Address, merch: Decimal, sc: str | None
    ) -> tuple[str, str, Decimal]:
        market = catalog_eu.MARKET[address.country_code]
        if market.export:
            return catalog_eu.SHIPPING_WORLD
        if market.code != catalog_eu.HOME:
            return catalog_eu.SHIPPING_EU
        if sc == "issue_example":
            return catalog_eu.SHIPPING_EXPRESS
        if sc == "shipping_only_refund":
            return catalog_eu.SHIPPING_STANDARD
        rng = self.rng
        if rng.random() < 0.12:
            return catalog_eu.SHIPPING_EXPRESS
        free = merch >= catalog_eu.FREE_SHIPPING_FROM and sc not in FORCED_PAID_SHIPPING
        if free and rng.random() < 0.85:
            return catalog_eu.SHIPPING_FREE
        return catalog_eu.SHIPPING_STANDARD

    @staticmethod
    def _vat(market: catalog_eu.Market, rate: Decimal, amount: Decimal) -> TaxLine:
        """The VAT inside a tax-inclusive amount: amount x rate / (1 + rate), in cents."""
        title = f"{market.code} {market.vat_title} {(rate * 100).normalize():f}%"
        return TaxLine(title, rate, cents(amount * rate / (1 + rate)))

    def _taxes(self, order: Order, address: Address) -> None:
        market = catalog_eu.MARKET[address.country_code]
        if market.export:
            return
        for line in order.lines:
            if not line.gift_card:
                line.set_taxes([self._vat(market, market.vat(line.product.tax_class), line.net)])
        for ship in order.shipping_lines:  # shipping at the standard rate (our assumption)
            if ship.net > 0:
                ship.set_taxes([self._vat(market, market.standard, ship.net)])

    def _duties(self, order: Order, market: catalog_eu.Market, sc: str | None) -> None:
        """Duties collected at checkout (DDP) on most export orders, per line."""
        if not market.export or sc == "export_no_duties":
            return
        if sc in DUTY_CASES or (sc is None and self.rng.random() < 0.6):
            for line in order.lines:
                amount = cents(line.net * market.duty)
                if not line.gift_card and amount > 0:
                    duty = Duty(self.duty_ids.next(), amount, line.product.hs_code, "DE")
                    line.duties.append(duty)
            if any(line.duties for line in order.lines):
                order.cases.add("duties")

    def _tips(self, order: Order, sc: str | None) -> None:
        if all(line.gift_card for line in order.lines):
            return
        if sc in ("tip", "tip_cancelled") or (sc is None and self.rng.random() < 0.03):
            amount = self.rng.choice(catalog_eu.TIPS) if sc is None else Decimal("2.50")
            order.tips.append(Tip(self.line_ids.next(), amount))
            order.cases.add("tip")

    # ---- after checkout ----------------------------------------------------------------------
    def _refunds(self, order: Order, sc: str | None, paid: datetime) -> None:
        merch = [line for line in order.lines if not line.gift_card]
        if sc == "duty_refund":  # everything back, duties included
            self._refund(order, self._later(paid, 9), self._remaining(order), shipping=True)
            return
        if sc == "inclusive_partial_refund":  # 1 of 3, VAT inside the refunded subtotal
            self._refund(order, self._later(paid, 5), [(merch[0], 1)], shipping=False)
            return
        if sc == "late_night_refund":  # 00:20 local: the previous day in UTC
            day = self.shop.local_date(paid) + timedelta(days=3)
            at = self.shop.local_instant(day, time(0, 20))
            self._refund(order, at, [(merch[0], merch[0].quantity)], shipping=False)
            return
        super()._refunds(order, sc, paid)
