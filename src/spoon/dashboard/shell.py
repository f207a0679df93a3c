"""The dashboard's app shell: navigation, the sidebar's shop and period pickers, the
freshness line and stale-marts warning, the reconciliation badge, friendly errors.

`dashboard/app.py` calls `run_app`; each `dashboard/views/<page>.py` calls `show` with its
page's `render` (`spoon.dashboard.pages`). Every figure comes from `Reporter` (cached,
read-only queries on `marts`); failures become friendly messages, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import streamlit as st

from spoon.dashboard.backends import WarehouseBusy, WarehouseMissing
from spoon.dashboard.kpis import Period
from spoon.dashboard.service import Reporter
from spoon.dashboard.widgets import Context
from spoon.errors import SpoonError
from spoon.settings import SECRET_FIELDS, Settings, load_settings

TITLE = "Willow's Spoon"
CTX_KEY = "_spoon_dashboard_ctx"
PRESETS: dict[str, int | None] = {
    "Last 7 days": 7,
    "Last 30 days": 30,
    "Last 90 days": 90,
    "Last 12 months": 365,
    "Year to date": -1,
    "All time": None,
    "Custom range": -2,
}
DEFAULT_PRESET = "Last 90 days"
PAGES: dict[str, tuple[str, str]] = {  # file stem -> (title, icon)
    "overview": ("Overview", ":material/monitoring:"),
    "geography": ("Geography", ":material/map:"),
    "customers": ("Customers", ":material/group:"),
    "products": ("Products", ":material/inventory_2:"),
    "growth": ("Growth", ":material/trending_up:"),
    "reconciliation": ("Shopify check", ":material/fact_check:"),
}
RECONCILIATION_PAGE = "views/reconciliation.py"


def settings_fingerprint(settings: Settings) -> str:
    """The cache key of a configuration: every setting, secrets as a digest only.

    `model_dump_json()` alone masks secrets as '**********', so it cannot carry them (the
    Reporter is built from the `Settings` object itself); the digest makes a changed
    passphrase or key path build a new Reporter.
    """
    secrets = {name: getattr(settings, name).get_secret_value() for name in sorted(SECRET_FIELDS)}
    digest = hashlib.sha256(json.dumps(secrets, sort_keys=True).encode()).hexdigest()
    return f"{settings.model_dump_json()}#{digest}"


@st.cache_resource(show_spinner=False)
def _reporter(fingerprint: str, _settings: Settings) -> Reporter:
    """One Reporter per configuration; Streamlit hashes `fingerprint`, not `_settings`."""
    return Reporter.from_settings(_settings)


def run_app(app_dir: Path) -> None:
    """The main script: page config, sidebar filters, then the chosen page."""
    st.set_page_config(page_title=TITLE, page_icon=":material/storefront:", layout="wide")
    pages = [
        st.Page(app_dir / "views" / f"{stem}.py", title=title, icon=icon, default=i == 0)
        for i, (stem, (title, icon)) in enumerate(PAGES.items())
    ]
    nav = st.navigation(pages)
    st.session_state.pop(CTX_KEY, None)
    with guard():
        settings = load_settings()
        reporter = _reporter(settings_fingerprint(settings), settings)
        ctx = _sidebar(reporter)
        if ctx is None:
            return
        st.session_state[CTX_KEY] = ctx
    nav.run()


def show(render: Callable[[Context], None]) -> None:
    """Render one page (called by `dashboard/views/<page>.py` with its page's `render`)."""
    ctx = st.session_state.get(CTX_KEY)
    if ctx is None:  # the shell already showed why (empty or missing warehouse)
        return
    with guard():
        render(ctx)


def _sidebar(reporter: Reporter) -> Context | None:
    st.sidebar.markdown(f"### :material/storefront: {TITLE}")
    choices = reporter.shop_choices()
    shop_label = ""
    if choices:
        labels = [c.label for c in choices]
        picked_label = st.sidebar.selectbox(
            "Shop",
            labels,
            key="shop",
            help="One shop, or every shop of one currency summed (never across currencies).",
        )
        choice = choices[labels.index(picked_label)]
        reporter = reporter.for_shops(choice.shops)
        shop_label = choice.shops[0] if len(choice.shops) == 1 else choice.label
    bounds = reporter.bounds()
    if bounds is None:
        st.title(TITLE)
        st.info(
            "The marts are built but hold no sales yet. Once orders are loaded and "
            "transformed (`spoon run`), they appear here. To try the dashboard on sample "
            "data, run `make demo`.",
            icon=":material/inbox:",
        )
        return None
    preset = st.sidebar.selectbox(
        "Period", list(PRESETS), index=list(PRESETS).index(DEFAULT_PRESET), key="preset"
    )
    period = preset_period(preset, bounds)
    if preset == "Custom range":
        picked = st.sidebar.date_input(
            "From - to",
            value=(period.start, period.end),
            min_value=bounds.start,
            max_value=bounds.end,
            key="custom_range",
        )
        if isinstance(picked, tuple | list) and len(picked) == 2:
            period = Period(picked[0], picked[1])
    st.sidebar.caption(f"{period.label()} · {period.days:,} days")
    st.sidebar.caption(f"Data from {bounds.start:%b %-d, %Y} to {bounds.end:%b %-d, %Y}")
    fresh = reporter.freshness()
    st.sidebar.caption(f":material/schedule: {fresh.line()}")
    stale = fresh.stale_warning()
    if stale:
        st.sidebar.warning(stale, icon=":material/warning:")
    st.sidebar.caption(f":material/database: {reporter.describe()}")
    return Context(reporter, period, bounds, preset, reporter.currency(), shop_label)


def preset_period(preset: str, bounds: Period) -> Period:
    """The period a preset means, ending on the last day with data."""
    days = PRESETS[preset]
    end = bounds.end
    if days is None:
        return bounds
    if days == -1:  # year to date
        start = date(end.year, 1, 1)
    elif days == -2:  # custom: starts as the last 90 days
        start = end - timedelta(days=89)
    else:
        start = end - timedelta(days=days - 1)
    return Period(max(start, bounds.start), end)


@contextmanager
def guard() -> Iterator[None]:
    """Turn the errors a user can hit into a friendly message."""
    try:
        yield
    except WarehouseMissing as err:
        st.title(TITLE)
        st.info(
            "**No warehouse yet.** Build one with sample data:\n\n"
            "```\nmake demo\n```\n\nthen reload this page. "
            "For your own shop, set it up in `.env` and run `spoon run`.",
            icon=":material/rocket_launch:",
        )
        st.caption(str(err))
    except WarehouseBusy as err:
        st.warning(f"{err}", icon=":material/hourglass_top:")
    except SpoonError as err:
        st.error(f"The dashboard cannot read the marts: {err}", icon=":material/error:")


def reconciliation_badge(ctx: Context) -> None:
    """One line under the KPIs: do our figures agree with Shopify's own, per order?"""
    recon = ctx.reporter.reconciliation()
    if recon is None or recon.orders == 0:
        return
    left, right = st.columns([3, 1], vertical_alignment="center")
    if recon.differs:
        left.badge(
            f"{recon.differs:,} of {recon.orders:,} orders differ from Shopify's own figures",
            icon=":material/warning:",
            color="orange",
        )
    else:
        left.badge(
            f"All {recon.orders - recon.not_comparable:,} comparable orders agree with "
            f"Shopify's own figures ({recon.not_comparable:,} not comparable)",
            icon=":material/check_circle:",
            color="green",
        )
    right.page_link(RECONCILIATION_PAGE, label="See the check", icon=":material/fact_check:")
