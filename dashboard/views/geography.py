"""Dashboard page: geography (spoon.dashboard.pages.geography)."""

from spoon.dashboard.pages import geography
from spoon.dashboard.shell import show

show(geography.render)
