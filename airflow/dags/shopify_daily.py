"""Airflow DAG `shopify_daily`: the nightly Shopify pipeline.

Thin on purpose: the DAG is built by `spoon.orchestrate.dag` from the SPOON_* settings
(schedule, time zone, retries, notifications, production or embedded mode).
"""

from spoon.orchestrate.dag import build_shopify_daily

dag = build_shopify_daily()
