"""Dashboard page: overview (rendered by spoon.reporting.ui)."""

from spoon.reporting.ui import page

page("overview")
