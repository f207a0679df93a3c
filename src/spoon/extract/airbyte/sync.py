"""Production extract through a running Airbyte: find the connection, run a sync, wait.

Airflow uses `connection_id(settings)` to look the connection up by name, then
`AirbyteTriggerSyncOperator(connection_id=…, deferrable=True)` (see docs/airbyte.md).
`spoon extract --source airbyte` uses `trigger_and_wait` to do the same from the CLI.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spoon.extract.airbyte.client import AirbyteClient, AirbyteError
from spoon.settings import Settings, load_settings
from spoon.setup.airbyte.reconcile import client_from_settings, resolve_workspace

#: Job states after which nothing changes any more ("incomplete" is not one: Airbyte
#: retries the job's failed attempt).
FINAL = {"succeeded", "failed", "cancelled"}


@dataclass(frozen=True)
class SyncResult:
    job_id: int
    status: str
    rows: int | None
    seconds: float

    def __str__(self) -> str:
        rows = f", {self.rows:,} rows" if self.rows is not None else ""
        return f"Airbyte job {self.job_id} {self.status}{rows}"


def find_connection(
    settings: Settings, name: str, client: AirbyteClient
) -> tuple[dict[str, Any], str]:
    """The connection called `name` (exactly one must exist) and its workspace's name."""
    workspace_id, workspace_name = resolve_workspace(client, settings.airbyte_workspace)
    found = [x for x in client.list_connections(workspace_id) if x.get("name") == name]
    if not found:
        raise AirbyteError(
            f"no Airbyte connection named {name!r} in workspace {workspace_name!r}; run "
            "`spoon airbyte apply` or set SPOON_AIRBYTE_CONNECTION_NAME"
        )
    if len(found) > 1:
        raise AirbyteError(f"{len(found)} Airbyte connections are named {name!r}; keep one")
    return found[0], workspace_name


def connection_id_by_name(
    settings: Settings, name: str, client: AirbyteClient | None = None
) -> str:
    """The id of the workspace's connection called `name` (exactly one must exist)."""
    own = client is None
    c = client or client_from_settings(settings)
    try:
        return str(find_connection(settings, name, c)[0]["connectionId"])
    finally:
        if own:
            c.close()


def doctor_check(settings: Settings) -> str:
    """`spoon doctor`: the API answers, the client credentials get a token, each shop's
    connection exists. Quick to give up: a few seconds, not a minute."""
    with AirbyteClient(
        settings.airbyte_url,
        settings.airbyte_client_id,
        settings.airbyte_client_secret.get_secret_value(),
        timeout_s=10,
        backoff_initial_ms=200,
        backoff_max_ms=1_000,
        max_elapsed_ms=3_000,
    ) as client:
        client.token()
        found = []
        for ns in settings.namespaces:
            name = settings.airbyte_connection_of(ns)
            try:
                conn, workspace = find_connection(settings, name, client)
            except AirbyteError as err:
                raise AirbyteError(f"shop {ns}: {err}") if settings.multi_shop else err from None
            status = conn.get("status") or "status unknown"
            found.append(f"{name!r} {conn['connectionId']} ({status})")
    label = "connection" if len(found) == 1 else "connections"
    return f"{client.url}: credentials ok, workspace {workspace!r}, {label} {', '.join(found)}"


def connection_id(settings: Settings | None = None, namespace: str | None = None) -> str:
    """The id of the shop's connection (default shop: SPOON_AIRBYTE_CONNECTION_NAME)."""
    s = settings or load_settings()
    ns = namespace or s.namespaces[0]
    try:
        return connection_id_by_name(s, s.airbyte_connection_of(ns))
    except AirbyteError as err:
        raise AirbyteError(f"shop {ns}: {err}") from None


def trigger_and_wait(
    settings: Settings | None = None,
    *,
    poll_seconds: float = 10.0,
    timeout_seconds: float = 6 * 3600,
    on_status: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    namespace: str | None = None,
) -> SyncResult:
    """Start a sync of the shop's connection (default: the first shop's) and wait for its
    job; a failed job raises, naming the shop when there are several."""
    s = settings or load_settings()
    ns = namespace or s.namespaces[0]
    name = s.airbyte_connection_of(ns)
    shop = f"shop {ns}: " if s.multi_shop else ""
    t0 = time.monotonic()
    with client_from_settings(s) as client:
        try:
            conn = connection_id_by_name(s, name, client)
        except AirbyteError as err:
            raise AirbyteError(f"{shop}{err}") from None
        job = client.start_sync(conn)
        job_id = int(job["jobId"])
        status = str(job.get("status", "pending"))
        while status not in FINAL:
            if time.monotonic() - t0 > timeout_seconds:
                raise AirbyteError(
                    f"{shop}Airbyte job {job_id} still {status} after {timeout_seconds:.0f}s; "
                    "check it in the Airbyte UI"
                )
            sleep(poll_seconds)
            job = client.get_job(job_id)
            status = str(job.get("status"))
            if on_status:
                on_status(status)
    if status != "succeeded":
        raise AirbyteError(
            f"{shop}Airbyte job {job_id} ended {status}; see its logs in the Airbyte UI "
            f"(connection {name!r})"
        )
    rows = job.get("rowsSynced")
    return SyncResult(
        job_id, status, int(rows) if rows is not None else None, time.monotonic() - t0
    )
