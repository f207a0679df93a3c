"""What the pipeline and the Airflow DAG call (re-exported from `spoon.airbyte.sync`)."""

from spoon.airbyte.sync import SyncResult, connection_id, connection_id_by_name, trigger_and_wait

__all__ = ["SyncResult", "connection_id", "connection_id_by_name", "trigger_and_wait"]
