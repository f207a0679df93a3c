"""Dashboard page: products (rendered by spoon.reporting.ui)."""

from spoon.reporting.ui import page

page("products")
