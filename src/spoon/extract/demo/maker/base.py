"""The state every part of the order generator shares: one seeded RNG, the id sequences,
the customers so far, and the one timing draw every part uses (`_later`).
"""

from __future__ import annotations

import random
from array import array
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from spoon.extract.demo import names, places
from spoon.extract.demo.draws import Ids, Pick
from spoon.extract.demo.maker.ledger import Ledger
from spoon.extract.demo.model import Customer

if TYPE_CHECKING:
    from spoon.extract.demo.history import History


class Maker:
    """What the parts of the order generator share. Every draw comes from one seeded RNG
    (`rng`), in the order the orders are made: no part may draw out of turn."""

    def __init__(self, history: History) -> None:
        self.h = history
        self.shop = history.shop
        cfg = history.config
        self.rng = random.Random(f"{self.shop.rng}/{cfg.seed}/orders")
        rng = self.rng
        self.order_ids = Ids(rng, 5_600_000_000_000, 9_973)
        self.line_ids = Ids(rng, 13_900_000_000_000, 997)
        self.ship_ids = Ids(rng, 4_700_000_000_000, 991)
        self.customer_ids = Ids(rng, 6_512_000_000_000, 7_919)
        self.address_ids = Ids(rng, 8_100_000_000_000, 7_907)
        self.refund_ids = Ids(rng, 930_000_000_000, 983)
        self.refund_line_ids = Ids(rng, 410_000_000_000, 977)
        self.adjustment_ids = Ids(rng, 250_000_000_000, 971)
        self.transaction_ids = Ids(rng, 6_900_000_000_000, 967)
        self.customers: list[Customer] = []
        self.repeat_pool = array("q")  # customer index of each registered order
        self.guest_emails: list[tuple[str, str, str]] = []  # (email, first, last)
        self.register_queue: list[tuple[int, str, str, str]] = []
        self.guest_counter = 0
        products = [p for p in history.products if not p.gift_card]
        self.products = products
        self.pick_product = Pick(products, [p.popularity for p in products])
        self.gift_card = next(p for p in history.products if p.gift_card)
        self.pick_state = Pick(places.US_STATES, [s.weight for s in places.US_STATES])
        self.pick_country = Pick(places.ABROAD, [c.weight for c in places.ABROAD])
        self.first_names, self.last_names = names.FIRST_NAMES, names.LAST_NAMES
        self.email_domains = names.EMAIL_DOMAINS
        # the ledger's ids: seeded apart from the order RNG, so the ledger changes no draw
        salt = random.Random(f"{self.shop.rng}/{cfg.seed}/ledger").getrandbits(32)
        self.ledger = Ledger(salt)

    def _later(self, base: datetime, days: int) -> datetime:
        """A business-hours instant `days` shop-local days after `base` (and after it)."""
        rng = self.rng
        shop = self.shop
        day = shop.local_date(base) + timedelta(days=days)
        at = shop.local_instant(day, time(rng.randint(8, 19), rng.randrange(60), rng.randrange(60)))
        if at <= base:
            at = base + timedelta(minutes=rng.randint(5, 180))
        return at
