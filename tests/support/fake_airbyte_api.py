"""A local stand-in for Airbyte's public API (https://reference.airbyte.com), on 127.0.0.1.

It implements what `spoon airbyte` and the production extract call — the token endpoint,
workspaces, sources, destinations, connections and jobs — checks request bodies strictly
(unknown or missing fields are a 422, as a typo should be), masks secrets in responses as
Airbyte does, and can be told to fail the next requests (e.g. 503) to test retries.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

from support.threaded_http import ThreadedServer

PREFIX = "/api/public/v1"
MASK = "**********"
SECRET_KEYS = {"api_password", "access_token", "client_secret", "secret_access_key", "password"}
SYNC_MODES = {
    "full_refresh_overwrite",
    "full_refresh_append",
    "incremental_append",
    "incremental_deduped_history",
}
SCHEDULE_TYPES = {"manual", "cron", "basic"}
SOURCE_FIELDS = {"name", "workspaceId", "definitionId", "configuration", "secretId"}
PATCH_FIELDS = {"name", "configuration"}
CONNECTION_FIELDS = {
    "name",
    "sourceId",
    "destinationId",
    "configurations",
    "schedule",
    "dataResidency",
    "namespaceDefinition",
    "namespaceFormat",
    "nonBreakingSchemaUpdatesBehavior",
    "prefix",
    "status",
    "tags",
}
STREAM_FIELDS = {"name", "syncMode", "cursorField", "primaryKey", "selectedFields", "namespace"}


class ApiError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any


@dataclass
class FakeAirbyte:
    client_id: str = "spoon-client"
    client_secret: str = "spoon-secret"
    job_polls_until_done: int = 2
    job_final_status: str = "succeeded"
    workspaces: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"workspaceId": str(uuid.uuid4()), "name": "Default Workspace", "dataResidency": "auto"}
        ]
    )
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    destinations: dict[str, dict[str, Any]] = field(default_factory=dict)
    connections: dict[str, dict[str, Any]] = field(default_factory=dict)
    jobs: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: what a sync writes (e.g. real-shaped Parquet into the lake), called with the
    #: connection when its sync job is created: the files are there before the job succeeds
    on_sync: Callable[[dict[str, Any]], None] | None = None
    requests: list[Request] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    _failures: list[tuple[str, int]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ---- test controls -------------------------------------------------------------------
    def fail_next(self, status: int, times: int = 1, path: str = "") -> None:
        """The next `times` requests whose path starts with `path` answer `status`."""
        self._failures.extend([(path, status)] * times)

    def writes(self) -> list[Request]:
        return [r for r in self.requests if r.method in ("POST", "PATCH", "PUT", "DELETE")]

    @property
    def workspace_id(self) -> str:
        return str(self.workspaces[0]["workspaceId"])

    # ---- dispatch -------------------------------------------------------------------------
    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        url = urlparse(raw_path)
        if not url.path.startswith(PREFIX):
            return 404, {"detail": "Not Found"}
        path = url.path[len(PREFIX) :]
        query = parse_qs(url.query)
        with self._lock:
            self.requests.append(Request(method, path, query, body))
            for i, (prefix, status) in enumerate(self._failures):
                if path.startswith(prefix):
                    del self._failures[i]
                    return status, {"detail": "injected failure"}
            try:
                if path == "/applications/token" and method == "POST":
                    return 200, self._token(body)
                self._authorize(headers)
                return 200, self._route(method, path, query, body)
            except ApiError as err:
                return err.status, {"status": err.status, "detail": err.detail}

    def _token(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise ApiError(400, "expected a JSON body")
        if body.get("grant-type", body.get("grant_type")) != "client_credentials":
            raise ApiError(400, "grant-type must be client_credentials")
        if (body.get("client_id"), body.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            raise ApiError(401, "Invalid client credentials")
        token = uuid.uuid4().hex
        self.tokens.add(token)
        return {"access_token": token, "token_type": "Bearer", "expires_in": 180}

    def _authorize(self, headers: dict[str, str]) -> None:
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            raise ApiError(401, "Unauthorized")

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> Any:
        parts = [p for p in path.split("/") if p]
        if parts == ["workspaces"] and method == "GET":
            return self._page(self.workspaces, query)
        if parts and parts[0] in ("sources", "destinations"):
            return self._actors(parts, method, query, body)
        if parts and parts[0] == "connections":
            return self._connections(parts, method, query, body)
        if parts and parts[0] == "jobs":
            return self._jobs(parts, method, body)
        raise ApiError(404, f"no route {method} {path}")

    # ---- helpers --------------------------------------------------------------------------
    def _page(self, items: list[dict[str, Any]], query: dict[str, list[str]]) -> dict[str, Any]:
        limit = int(query.get("limit", ["20"])[0])
        offset = int(query.get("offset", ["0"])[0])
        if not 1 <= limit <= 100:
            raise ApiError(400, "limit must be between 1 and 100")
        data = items[offset : offset + limit]
        more = offset + limit < len(items)
        nxt = f"{PREFIX}/x?limit={limit}&offset={offset + limit}" if more else None
        return {"data": data, "next": nxt, "previous": None}

    def _in_workspaces(self, pool: dict[str, dict[str, Any]], query: dict[str, list[str]]) -> list:
        wanted = query.get("workspaceIds", [])
        ids = {w for v in wanted for w in v.split(",")}
        return [dict(o) for o in pool.values() if not ids or o["workspaceId"] in ids]

    def _check_workspace(self, workspace_id: Any) -> None:
        if workspace_id not in {w["workspaceId"] for w in self.workspaces}:
            raise ApiError(404, f"workspace {workspace_id} not found")

    @staticmethod
    def _fields(body: Any, allowed: set[str], required: set[str]) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise ApiError(400, "expected a JSON object")
        unknown = set(body) - allowed
        if unknown:
            raise ApiError(422, f"unknown fields {sorted(unknown)}")
        missing = required - set(body)
        if missing:
            raise ApiError(422, f"missing fields {sorted(missing)}")
        return body

    # ---- sources / destinations ----------------------------------------------------------
    def _actors(self, parts: list[str], method: str, query: dict[str, list[str]], body: Any) -> Any:
        kind = parts[0][:-1]  # source | destination
        pool = self.sources if kind == "source" else self.destinations
        id_key = f"{kind}Id"
        if len(parts) == 1 and method == "GET":
            return self._page([_masked(o) for o in self._in_workspaces(pool, query)], query)
        if len(parts) == 1 and method == "POST":
            b = self._fields(body, SOURCE_FIELDS, {"name", "workspaceId", "configuration"})
            self._check_workspace(b["workspaceId"])
            config = b["configuration"]
            if not isinstance(config, dict):
                raise ApiError(422, "configuration must be an object")
            type_key = f"{kind}Type"
            if not b.get("definitionId") and not config.get(type_key):
                raise ApiError(422, f"one of definitionId or configuration.{type_key} is needed")
            obj = {
                id_key: str(uuid.uuid4()),
                "name": b["name"],
                type_key: config.get(type_key, "custom"),
                "definitionId": b.get("definitionId"),
                "workspaceId": b["workspaceId"],
                "configuration": {k: v for k, v in config.items() if k != type_key},
                "createdAt": 1_700_000_000,
            }
            pool[obj[id_key]] = obj
            return _masked(obj)
        if len(parts) == 2 and parts[1] in pool:
            obj = pool[parts[1]]
            if method == "GET":
                return _masked(obj)
            if method == "PATCH":
                b = self._fields(body, PATCH_FIELDS, set())
                if "name" in b:
                    obj["name"] = b["name"]
                if "configuration" in b:
                    config = {k: v for k, v in b["configuration"].items() if k != f"{kind}Type"}
                    obj["configuration"] = _merge_secrets(config, obj["configuration"])
                return _masked(obj)
        raise ApiError(404, f"{kind} {'/'.join(parts[1:])} not found")

    # ---- connections -----------------------------------------------------------------------
    def _connections(
        self, parts: list[str], method: str, query: dict[str, list[str]], body: Any
    ) -> Any:
        if len(parts) == 1 and method == "GET":
            return self._page(self._in_workspaces(self.connections, query), query)
        if len(parts) == 1 and method == "POST":
            b = self._fields(body, CONNECTION_FIELDS, {"sourceId", "destinationId"})
            if b["sourceId"] not in self.sources:
                raise ApiError(422, f"source {b['sourceId']} not found")
            if b["destinationId"] not in self.destinations:
                raise ApiError(422, f"destination {b['destinationId']} not found")
            self._check_connection(b)
            obj = {
                "connectionId": str(uuid.uuid4()),
                "workspaceId": self.sources[b["sourceId"]]["workspaceId"],
                "name": b.get("name", "connection"),
                "status": "active",
                "schedule": {"scheduleType": "manual"},
                "namespaceDefinition": "destination",
                "nonBreakingSchemaUpdatesBehavior": "ignore",
                "prefix": "",
                "createdAt": 1_700_000_000,
                **b,
            }
            obj["configurations"] = _server_streams(obj.get("configurations"))
            self.connections[obj["connectionId"]] = obj
            return obj
        if len(parts) == 2 and parts[1] in self.connections:
            obj = self.connections[parts[1]]
            if method == "GET":
                return obj
            if method == "PATCH":
                b = self._fields(body, CONNECTION_FIELDS - {"sourceId", "destinationId"}, set())
                self._check_connection(b)
                obj.update(b)
                obj["configurations"] = _server_streams(obj.get("configurations"))
                return obj
        raise ApiError(404, f"connection {'/'.join(parts[1:])} not found")

    @staticmethod
    def _check_connection(b: dict[str, Any]) -> None:
        sched = b.get("schedule")
        if sched is not None and sched.get("scheduleType") not in SCHEDULE_TYPES:
            raise ApiError(422, f"bad scheduleType {sched.get('scheduleType')!r}")
        for stream in (b.get("configurations") or {}).get("streams", []):
            unknown = set(stream) - STREAM_FIELDS
            if unknown:
                raise ApiError(422, f"unknown stream fields {sorted(unknown)}")
            if stream.get("syncMode") not in SYNC_MODES:
                raise ApiError(422, f"bad syncMode {stream.get('syncMode')!r}")

    # ---- jobs ----------------------------------------------------------------------------
    def _jobs(self, parts: list[str], method: str, body: Any) -> Any:
        if len(parts) == 1 and method == "POST":
            b = self._fields(body, {"connectionId", "jobType"}, {"connectionId", "jobType"})
            if b["connectionId"] not in self.connections:
                raise ApiError(404, f"connection {b['connectionId']} not found")
            if b["jobType"] not in ("sync", "reset", "refresh", "clear"):
                raise ApiError(422, f"bad jobType {b['jobType']!r}")
            job_id = len(self.jobs) + 1
            self.jobs[job_id] = {
                "jobId": job_id,
                "status": "pending",
                "jobType": b["jobType"],
                "connectionId": b["connectionId"],
                "startTime": "2026-01-01T00:00:00Z",
                "polls": 0,
            }
            if self.on_sync is not None and b["jobType"] == "sync":
                self.on_sync(self.connections[b["connectionId"]])
            return _public_job(self.jobs[job_id])
        if len(parts) == 2 and method == "GET" and re.fullmatch(r"\d+", parts[1]):
            job = self.jobs.get(int(parts[1]))
            if job is None:
                raise ApiError(404, f"job {parts[1]} not found")
            job["polls"] += 1
            if job["polls"] >= self.job_polls_until_done:
                job["status"] = self.job_final_status
                job["rowsSynced"] = 1234
            else:
                job["status"] = "running"
            return _public_job(job)
        raise ApiError(404, "no such job route")


def _public_job(job: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in job.items() if k != "polls"}


def _server_streams(configurations: Any) -> dict[str, Any]:
    """Like Airbyte, fill each stream with what the server knows (cursor, primary key)."""
    streams = []
    for s in (configurations or {}).get("streams", []):
        full = {"primaryKey": [["id"]], "selectedFields": [], **s}
        if s.get("syncMode", "").startswith("incremental") and "cursorField" not in s:
            full["cursorField"] = ["updated_at"]
        streams.append(full)
    return {"streams": streams}


def _masked(obj: dict[str, Any]) -> dict[str, Any]:
    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: MASK if k in SECRET_KEYS else walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(obj)


def _merge_secrets(new: Any, old: Any) -> Any:
    """A masked value in a PATCH keeps the stored secret (as Airbyte does)."""
    if isinstance(new, dict):
        old = old if isinstance(old, dict) else {}
        return {k: _merge_secrets(v, old.get(k)) for k, v in new.items()}
    if new == MASK:
        return old
    return new


class _Handler(BaseHTTPRequestHandler):
    fake: FakeAirbyte

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            if "x-www-form-urlencoded" in self.headers.get("content-type", ""):
                # OAuth-style token requests (the SDK's own client-credentials hook)
                body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            else:
                body = json.loads(raw) if raw else None
        except ValueError:
            self._reply(400, {"detail": "body is not JSON"})
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload = self.fake.handle(self.command, self.path, headers, body)
        self._reply(status, payload)

    def _reply(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FakeAirbyteServer(ThreadedServer):
    """Runs a `FakeAirbyte` on 127.0.0.1 in a background thread."""

    def __init__(self, fake: FakeAirbyte | None = None) -> None:
        self.fake = fake or FakeAirbyte()
        super().__init__(_Handler, self.fake)

    @property
    def url(self) -> str:
        return f"{self.origin}{PREFIX}"
