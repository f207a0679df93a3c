"""Shopify check: every order's figures against Shopify's own (rpt_order_reconciliation)."""

from __future__ import annotations

import streamlit as st

from spoon.dashboard.widgets import Context, frame, table


def render(ctx: Context) -> None:
    st.title("Checked against Shopify")
    st.caption(
        "Every order's figures against Shopify's own ledger (order_agreements, per local day) "
        "and the order's current totals, from marts.rpt_order_reconciliation. " + ctx.amounts
    )
    recon = ctx.reporter.reconciliation()
    if recon is None:
        st.info(
            "marts.rpt_order_reconciliation is not built yet: run `spoon transform`.",
            icon=":material/inbox:",
        )
        return
    a, b, c = st.columns(3)
    a.metric("Orders that agree", f"{recon.agrees:,}", border=True)
    b.metric("Orders that differ", f"{recon.differs:,}", border=True)
    c.metric("Not comparable", f"{recon.not_comparable:,}", border=True)
    st.subheader("Orders that differ")
    differs = frame(ctx.reporter.reconciliation_rows("differs"))
    if differs.empty:
        st.success("No order differs from Shopify's figures.", icon=":material/check_circle:")
    else:
        table(differs)
    with st.expander(f"Not comparable ({recon.not_comparable:,} orders) and why"):
        table(frame(ctx.reporter.reconciliation_rows("not comparable")))
