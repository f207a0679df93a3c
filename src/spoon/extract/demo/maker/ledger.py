"""Shopify's ledger of an order (`order_agreements`): one agreement at checkout, one per
refund, one for a cancellation.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from spoon.extract.demo.draws import HashIds
from spoon.extract.demo.model import ZERO, TaxLine, cents
from spoon.extract.demo.order import Agreement, Order, Sale


@dataclass(slots=True)
class _Returned:
    """What of a line's ORDER sale the refunds have returned so far."""

    ordered: Sale
    quantity: int  # not yet returned
    before: Decimal = ZERO  # discounts (before taxes) returned
    after: Decimal = ZERO


class Ledger:
    """Books an order's agreements; its ids are seeded apart from the order RNG."""

    def __init__(self, salt: int) -> None:
        self.agreement_ids = HashIds(salt, 1_180_000_000_000, 9_941)
        self.sale_ids = HashIds(salt, 2_730_000_000_000, 3_989)

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

    def book(self, order: Order) -> None:
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
