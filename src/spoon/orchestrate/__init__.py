"""DAG-side logic of the nightly Airflow DAG `shopify_daily`.

`config`, `notify` and `tasks` import no Airflow and no heavy library at module level, so
the DAG file parses fast and they can be tested without Airflow; `dag` builds the DAG and
needs Airflow and astronomer-cosmos (the `.venv-airflow` virtualenv or the image).
"""
