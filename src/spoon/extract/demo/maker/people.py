"""Who buys: customers, guests, their addresses (a part of the order generator)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from spoon.extract.demo import names, places
from spoon.extract.demo.maker.base import Maker
from spoon.extract.demo.model import Address, Customer


class Buyer(NamedTuple):
    """Who places an order: a customer or a guest (an e-mail or none), their address, and
    the order's `source_name`."""

    customer: Customer | None
    email: str | None
    address: Address
    source: str


class People(Maker):
    """Customers and guests, and where they live."""

    def _address(self, first: str, last: str, abroad: bool, state: str | None = None) -> Address:
        rng = self.rng
        street = f"{rng.randint(10, 9999)} {rng.choice(names.STREETS)}"
        unit = f"Apt {rng.randint(1, 40)}" if rng.random() < 0.2 else None
        if abroad:
            country = self.pick_country(rng)
            city, province, pcode, zip_ = rng.choice(country.places)
            return Address(
                first, last, street, unit, city, province, pcode, country.name, country.code, zip_,
                None,
            )  # fmt: skip
        if state is not None:
            st = next(s for s in places.US_STATES if s.code == state)
        else:
            st = self.pick_state(rng)
        city, prefix, local_rate = rng.choice(st.cities)
        phone = f"+1 {rng.randint(201, 989)}-555-01{rng.randrange(100):02d}"
        zip_ = f"{prefix}{rng.randrange(100):02d}"
        return Address(
            first, last, street, unit, city, st.name, st.code, "United States", "US", zip_, phone,
            st.tax_rate, local_rate, st.taxes_shipping,
        )  # fmt: skip

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
    ) -> Buyer:
        """Who places order `i`, and through which channel."""
        rng = self.rng
        if sc == "guest_later_customer":
            first, last = self._name()
            email = self._guest_email(first, last)
            due = i + max(3, self.h.config.orders // 20)
            self.register_queue.append((due, email, first, last))
            local, domain = email.split("@")
            shown = f"{local[:1].upper()}{local[1:]}@{domain.capitalize()}"  # same, normalised
            return Buyer(None, shown, self._address(first, last, abroad, state), "web")
        if sc == "guest_anonymous" or (sc is None and rng.random() < 0.008):
            first, last = self._name()
            address = self._address(first, last, abroad, state)
            return Buyer(None, None, address, "shopify_draft_order")
        if self.register_queue and i >= self.register_queue[0][0]:
            _, email, first, last = self.register_queue.pop(0)
            customer = self._new_customer(
                at, abroad=abroad, state=state, email=email, name=(first, last)
            )
            self.repeat_pool.append(customer.index)
            return Buyer(customer, customer.email, customer.address, "web")
        r = rng.random()
        if sc is None and r < 0.07:  # guest checkout with an e-mail
            first, last = self._name()
            email = self._guest_email(first, last)
            if len(self.guest_emails) < 5000:
                self.guest_emails.append((email, first, last))
            return Buyer(None, email, self._address(first, last, abroad, state), "web")
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
        return Buyer(customer, customer.email, customer.address, "web")
