"""What happens to an order after checkout: payment, fulfilment, edits, refunds,
cancellation, deletion (a part of the order generator).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from spoon.extract.demo.draws import Pick
from spoon.extract.demo.maker.refunds import Refunds
from spoon.extract.demo.model import ZERO, cents
from spoon.extract.demo.order import Edit, Order

EDIT_TAGS = ("gift-wrap", "vip", "wholesale-inquiry", "engraved", "priority")
EDIT_NOTES = (
    "Customer asked to leave the parcel at the back door.",
    "Please include a gift receipt.",
    "Address confirmed by phone.",
    "Engrave initials W.S. on the handle.",
)
PICK_PENDING_FATE = Pick((0, 1, 2), (65, 20, 15))  # paid later, cancelled, stays unpaid
PICK_REFUND_KIND = Pick(("partial", "full", "shipping"), (55, 37, 8))
PICK_DELAY = Pick(((1, 14), (15, 30), (31, 75)), (70, 20, 10))
CANCEL_WITH_REFUND = frozenset(("cancel_with_refund", "cancel_with_duties"))


class Lifecycle(Refunds):
    """The order's fate after checkout."""

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
