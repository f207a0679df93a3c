"""Dashboard page: the check against Shopify's figures (spoon.dashboard.pages.reconciliation)."""

from spoon.dashboard.pages import reconciliation
from spoon.dashboard.shell import show

show(reconciliation.render)
