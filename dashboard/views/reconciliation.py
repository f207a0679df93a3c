"""Dashboard page: the check against Shopify's own figures (rendered by spoon.reporting.ui)."""

from spoon.reporting.ui import page

page("reconciliation")
