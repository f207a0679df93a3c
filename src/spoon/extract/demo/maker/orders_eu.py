"""The order generator of the tax-inclusive EU shop (profile `eu`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from spoon.extract.demo import catalog_eu, names
from spoon.extract.demo.draws import Ids, Pick
from spoon.extract.demo.maker.checkout import FORCED_PAID_SHIPPING
from spoon.extract.demo.maker.orders import PICK_HOUR, OrderMaker
from spoon.extract.demo.model import Address, Duty, Line, TaxLine, Tip, cents
from spoon.extract.demo.order import Order

if TYPE_CHECKING:
    from spoon.extract.demo.history import History

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


class EuOrderMaker(OrderMaker):
    """The tax-inclusive EU shop (Berlin, EUR): VAT inside every price at the customer's EU
    country's rate; export orders (CH, GB, US, NO) at the price without German VAT, with no
    VAT and often with duties collected at checkout; tips on some orders."""

    def __init__(self, history: History) -> None:
        super().__init__(history)
        eu = catalog_eu
        self.first_names, self.last_names = names.EU_FIRST_NAMES, names.EU_LAST_NAMES
        self.email_domains = names.EU_EMAIL_DOMAINS
        self.home = eu.MARKET[eu.HOME]
        abroad = [m for m in eu.MARKETS if m.code != eu.HOME]
        self.pick_abroad = Pick(abroad, [m.weight for m in abroad])
        self.duty_ids = Ids(self.rng, 37_400_000_000, 983)
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
        street = f"{rng.choice(names.EU_STREETS)} {rng.randint(1, 180)}"
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
        buyer = self._buyer(i, at, sc, abroad, state)
        address = buyer.address
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
            i, at, sc, buyer, lines, (currency, rate), taxes_included=not market.export
        )
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
