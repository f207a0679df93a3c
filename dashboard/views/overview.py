"""Dashboard page: overview (spoon.dashboard.pages.overview)."""

from spoon.dashboard.pages import overview
from spoon.dashboard.shell import show

show(overview.render)
