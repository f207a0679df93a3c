"""Customers: the top customers by net sales and the cohort retention heatmap."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from spoon.dashboard.widgets import Context, frame, scope, table


def render(ctx: Context) -> None:
    st.title("Customers")
    period = scope("customers_scope", ctx)
    st.caption(
        ("All time" if period is None else f"Orders placed {ctx.period.label()}")
        + f" · {ctx.amounts}"
    )
    top = frame(ctx.reporter.top_customers(period, limit=25))
    st.subheader("Top customers by net sales")
    if top.empty:
        st.info("No customers in this period.", icon=":material/inbox:")
    else:
        table(top)
    st.subheader("Cohort retention")
    st.caption(
        "Share of each first-order month's customers who ordered again n months later"
        + ("" if period is None else " (cohorts starting in the period)")
    )
    cohorts = frame(ctx.reporter.cohorts(period))
    if cohorts.empty:
        st.info("No cohorts in this period.", icon=":material/inbox:")
        return
    cohorts["cohort"] = pd.to_datetime(cohorts["cohort_month"]).dt.strftime("%Y-%m")
    heat = alt.Chart(cohorts).encode(
        x=alt.X("months_since_first_order:O", title="Months since first order"),
        y=alt.Y("cohort:O", title="First order month"),
    )
    chart = heat.mark_rect().encode(
        color=alt.Color(
            "retention_rate:Q",
            title="Retention",
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(format="%"),
        ),
        tooltip=[
            "cohort:O",
            "months_since_first_order:O",
            "customers:Q",
            "active_customers:Q",
            alt.Tooltip("retention_rate:Q", format=".1%"),
            alt.Tooltip("net_sales:Q", format=",.2f"),
        ],
    ) + heat.mark_text(fontSize=10).encode(
        text=alt.Text("retention_rate:Q", format=".0%"),
        color=alt.condition("datum.retention_rate > 0.5", alt.value("white"), alt.value("black")),
    )
    st.altair_chart(
        chart.properties(height=max(200, 24 * cohorts["cohort"].nunique())), width="stretch"
    )
