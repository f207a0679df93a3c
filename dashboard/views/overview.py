"""Dashboard page: overview (rendered by spoon.dashboard.ui)."""

from spoon.dashboard.ui import page

page("overview")
