"""Money back: refunds, cancellations and the order's transactions."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from spoon.extract.demo.maker.base import Maker
from spoon.extract.demo.model import ZERO, Line, cents
from spoon.extract.demo.order import Adjustment, Order, Refund, RefundDuty, RefundLine

REFUND_NOTES = ("Damaged in transit", "Wrong size", "Changed mind", "Arrived late", None)


class Refunds(Maker):
    """Refunds and cancellations of an order, and its transaction ids."""

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
            refunded_ship = refunded_ship_tax = ZERO
            for a in (a for r in order.refunds for a in r.adjustments):
                if a.kind == "shipping_refund":
                    refunded_ship -= a.amount
                    refunded_ship_tax -= a.tax_amount
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
