"""Dashboard page: customers (rendered by spoon.dashboard.ui)."""

from spoon.dashboard.ui import page

page("customers")
