"""Overview: the header KPIs, the reconciliation badge, sales over time and its breakdown."""

from __future__ import annotations

import altair as alt
import streamlit as st

from spoon.dashboard.kpis import Period
from spoon.dashboard.queries import GRAINS, Grain
from spoon.dashboard.shell import reconciliation_badge
from spoon.dashboard.widgets import LABELS, Context, frame, header, table


def render(ctx: Context) -> None:
    header("Sales overview", ctx, "change vs the previous period of the same length")
    kpis = ctx.reporter.kpis(ctx.period)
    for col, kpi in zip(st.columns(len(kpis)), kpis, strict=True):
        value = ctx.money(kpi.value) if kpi.kind == "money" else kpi.shown  # type: ignore[arg-type]
        col.metric(kpi.label, value, kpi.delta, help=kpi.help, border=True)
    reconciliation_badge(ctx)

    st.subheader("Sales over time")
    grain: Grain = st.segmented_control(  # type: ignore[assignment]
        "Granularity",
        list(GRAINS),
        default=default_grain(ctx.period),
        key="grain",
        format_func=str.capitalize,
    ) or default_grain(ctx.period)
    df = frame(ctx.reporter.sales_over_time(ctx.period, grain))
    if df.empty:
        st.info("No sales in this period.", icon=":material/inbox:")
        return
    long = df.melt(
        id_vars=["period_start"], value_vars=["net_sales", "total_sales"], var_name="measure"
    )
    long["measure"] = long["measure"].map(LABELS)
    chart = (
        alt.Chart(long)
        .mark_line(point=grain != "day")
        .encode(
            x=alt.X("period_start:T", title=None),
            y=alt.Y("value:Q", title=f"Sales {ctx.currency}".strip()),
            color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip("period_start:T", title=grain),
                "measure:N",
                alt.Tooltip("value:Q", format=",.2f"),
            ],
        )
        .properties(height=320)
    )
    st.altair_chart(chart, width="stretch")
    st.markdown("**Breakdown** (Shopify's sales report: net = gross - discounts - returns)")
    table(df)


def default_grain(period: Period) -> Grain:
    """Days for up to 45 days, weeks for up to 200, months beyond."""
    if period.days <= 45:
        return "day"
    return "week" if period.days <= 200 else "month"
