"""The order generator of the default (US) shop: one order after another, in time order."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from spoon.extract.demo import places
from spoon.extract.demo.demand import HOURS
from spoon.extract.demo.draws import Pick
from spoon.extract.demo.maker.checkout import Checkout
from spoon.extract.demo.maker.lifecycle import Lifecycle
from spoon.extract.demo.maker.people import Buyer, People
from spoon.extract.demo.model import Address, Line
from spoon.extract.demo.order import Order

PICK_HOUR = Pick(range(24), HOURS)
PICK_GATEWAY = Pick(("shopify_payments", "paypal"), (82, 18))


class OrderMaker(People, Checkout, Lifecycle):
    """Generates the orders of a `History` once, sequentially (one seeded RNG)."""

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
        buyer = self._buyer(i, at, sc, abroad, state)
        address = buyer.address
        abroad = address.country_code != "US"
        # presentment currency: most shoppers abroad pay in their own currency
        currency, rate = self.shop.currency, Decimal(1)
        if abroad and (sc in ("presentment", "presentment_refunded") or rng.random() < 0.8):
            country = next(c for c in places.ABROAD if c.code == address.country_code)
            currency, rate = country.currency, self._rate(country.rate, at)

        lines = self._lines(sc)
        order = self._new_order(i, at, sc, buyer, lines, (currency, rate))
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
        self.ledger.book(order)
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
        buyer: Buyer,
        lines: list[Line],
        presentment: tuple[str, Decimal],
        *,
        taxes_included: bool = False,
    ) -> Order:
        """The order at checkout: who, what, in which currency (and at which rate)."""
        rng = self.rng
        order = Order(
            index=i,
            id=self.order_ids.next(),
            number=1001 + i,
            processed_at=at,
            customer=buyer.customer,
            email=buyer.email,
            shipping_address=None,
            billing_address=buyer.address,
            currency=presentment[0],
            rate=presentment[1],
            source_name=buyer.source,
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
