"""Geography: net sales by US state (a map), by city, and by country abroad."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from spoon.dashboard.geo import split_geo, us_states_topojson
from spoon.dashboard.widgets import Context, scope, table


def render(ctx: Context) -> None:
    st.title("Where the sales go")
    period = scope("geo_scope", ctx)
    st.caption(
        (
            "All-time sales by shipping address"
            if period is None
            else f"Orders placed {ctx.period.label()}, by shipping address"
        )
        + f" · {ctx.amounts}"
    )
    split = split_geo(ctx.reporter.geo(period))
    if not split.states and not split.countries:
        st.info("No orders in this period.", icon=":material/inbox:")
        return
    a, b = st.columns(2)
    a.metric("Net sales in the US", ctx.money(split.us_net_sales), border=True)
    b.metric("Net sales abroad", ctx.money(split.abroad_net_sales), border=True)
    st.subheader("United States: net sales by state")
    states = _sales(split.states or [], "state", "code")
    st.altair_chart(us_map(states), width="stretch")
    left, right = st.columns(2)
    with left:
        st.markdown("**States and cities**")
        table(_sales(split.cities, "state", "city"))
    with right:
        st.markdown("**Countries abroad**")
        table(_sales(split.countries, "country"))


def _sales(rows: Sequence[dict[str, Any]], *keys: str) -> pd.DataFrame:
    """`keys`, orders, net and total sales of each row; the sales as floats (display only)."""
    df = pd.DataFrame(rows, columns=[*keys, "orders", "net_sales", "total_sales"])
    for col in ("net_sales", "total_sales"):
        df[col] = df[col].astype("float64")
    return df


def us_map(states: pd.DataFrame) -> alt.LayerChart:
    """A choropleth of the US by state (shipped outline, no network)."""
    outline = alt.InlineData(
        values=us_states_topojson(), format=alt.DataFormat(type="topojson", feature="states")
    )
    base = alt.Chart(outline).mark_geoshape(fill="#eeeeee", stroke="white")
    filled = (
        alt.Chart(outline)
        .mark_geoshape(stroke="white")
        .transform_lookup(
            lookup="properties.name",
            from_=alt.LookupData(states, "state", ["net_sales", "orders", "code"]),
        )
        .transform_filter("isValid(datum.net_sales)")
        .encode(
            color=alt.Color("net_sales:Q", title="Net sales", scale=alt.Scale(scheme="greens")),
            tooltip=[
                alt.Tooltip("properties.name:N", title="State"),
                alt.Tooltip("orders:Q", format=","),
                alt.Tooltip("net_sales:Q", title="Net sales", format=",.2f"),
            ],
        )
    )
    return (base + filled).project(type="albersUsa").properties(height=420)
