"""Dashboard page: the check against Shopify's own figures (rendered by spoon.dashboard.ui)."""

from spoon.dashboard.ui import page

page("reconciliation")
