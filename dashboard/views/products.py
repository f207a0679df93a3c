"""Dashboard page: products (spoon.dashboard.pages.products)."""

from spoon.dashboard.pages import products
from spoon.dashboard.shell import show

show(products.render)
