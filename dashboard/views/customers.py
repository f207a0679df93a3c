"""Dashboard page: customers (spoon.dashboard.pages.customers)."""

from spoon.dashboard.pages import customers
from spoon.dashboard.shell import show

show(customers.render)
