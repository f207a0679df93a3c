"""Paths inside the Docker images: their one home on the Python side.

airflow/Dockerfile, dbt/Dockerfile and dashboard/Dockerfile build these folders (the Airflow
image copies the dbt venv and project from the dbt image) and compose.yaml mounts the
volumes on them; those files cannot import Python, so they write the same paths literally and
tests/unit/compose checks that they agree with `CONTAINER_SETTINGS` below. Python code that
needs a path inside an image (a default it looks for) takes it from here.
"""

from __future__ import annotations

from pathlib import PurePosixPath

#: the working directory of the images; `repo_path` finds dbt/ etc. here in the Airflow one
SPOON_HOME = PurePosixPath("/opt/spoon")
#: the `spoon-data` volume: warehouse, docs, truth files, the dashboard's refresh file
DATA_DIR = SPOON_HOME / "data"
#: the dbt project with its parsed manifest and profiles.yml (dbt image, copied into Airflow's)
DBT_PROJECT_DIR = SPOON_HOME / "dbt"
#: dbt's own virtualenv (dbt image, copied into Airflow's: same base image, same interpreter)
DBT_VENV = PurePosixPath("/opt/dbt-venv")
#: Airflow's home: DAGs, logs and the Simple auth manager's password file
AIRFLOW_HOME = PurePosixPath("/opt/airflow")
#: Airflow and the spoon package (Airflow image)
AIRFLOW_VENV = PurePosixPath("/opt/airflow-venv")
#: the dashboard's virtualenv (dashboard image)
DASHBOARD_VENV = PurePosixPath("/opt/venv")
#: where an image may hold PyAirbyte's own virtualenv (looked for after the checkout's)
PYAIRBYTE_PYTHON = PurePosixPath("/opt/pyairbyte/bin/python")

#: The settings the images and compose.yaml point at those paths.
CONTAINER_SETTINGS: dict[str, str] = {
    "SPOON_DUCKDB_PATH": str(DATA_DIR / "warehouse.duckdb"),
    "SPOON_DASHBOARD_REFRESH_FILE": str(DATA_DIR / "dashboard-refresh.json"),
    "SPOON_DOCS_DIR": str(DATA_DIR / "docs"),
    "SPOON_TRUTH_DIR": str(DATA_DIR / "truth"),
    "SPOON_DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
    "SPOON_DBT_EXECUTABLE": str(DBT_VENV / "bin" / "dbt"),
    "SPOON_DBT_MANIFEST_PATH": str(DBT_PROJECT_DIR / "target" / "manifest.json"),
    "AIRFLOW_HOME": str(AIRFLOW_HOME),
    "AIRFLOW__CORE__DAGS_FOLDER": str(AIRFLOW_HOME / "dags"),
    "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(AIRFLOW_HOME / "auth/passwords.json"),
}
