"""Dashboard page: products (rendered by spoon.dashboard.ui)."""

from spoon.dashboard.ui import page

page("products")
