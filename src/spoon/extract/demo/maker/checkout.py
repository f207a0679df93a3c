"""Checkout: the lines of an order, its discounts, shipping and taxes."""

from __future__ import annotations

from decimal import Decimal

from spoon.extract.demo.draws import Pick
from spoon.extract.demo.maker.base import Maker
from spoon.extract.demo.model import (
    ZERO,
    Address,
    Allocation,
    DiscountApplication,
    Line,
    Product,
    ShippingLine,
    TaxLine,
    cents,
)
from spoon.extract.demo.order import Order

PICK_LINES = Pick((1, 2, 3, 4, 5), (55, 27, 11, 5, 2))
PICK_QTY = Pick((1, 2, 3, 4), (80, 14, 4, 2))
FORCED_PAID_SHIPPING = frozenset(
    ("shipping_only_refund", "shipping_discount", "refund_with_tax", "full_refund_with_shipping")
)


class Checkout(Maker):
    """What the customer buys and pays at checkout."""

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
