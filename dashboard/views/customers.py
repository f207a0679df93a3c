"""Dashboard page: customers (rendered by spoon.reporting.ui)."""

from spoon.reporting.ui import page

page("customers")
