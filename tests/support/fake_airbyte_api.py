"""A local stand-in for Airbyte's public API (https://reference.airbyte.com), on 127.0.0.1.

It implements what `spoon airbyte` and the production extract call — the token endpoint,
workspaces, sources, destinations, connections and jobs — and refuses what Airbyte would:

- request bodies strictly (unknown or missing fields are a 422, as a typo should be);
- a connector `configuration` that does not match the connector's spec (source-shopify's
  own, source_shopify_catalog.json; destination-s3's fields we use, destination_s3_fields.json);
- a connection's stream that is not in source-shopify's catalog, or a sync mode the stream
  does not support (incremental needs a cursor, deduped history a primary key);
- a token older than its 180 s (the clock `now` is the test's to move);
- a second sync of a connection while one runs (409).

It masks secrets in responses as Airbyte does, and can be told to fail the next requests
(e.g. 503), also after doing what they ask (`fail_next(..., after=True)`: the job exists,
the client only hears 503).
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import jsonschema

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
TOKEN_SECONDS = 180
#: a job in one of these may still change (incomplete: Airbyte retries the attempt)
ACTIVE_JOB = {"pending", "running", "incomplete"}
JOB_QUERY = {"connectionId", "jobType", "status", "orderBy", "limit", "offset", "workspaceIds"}
HERE = Path(__file__).resolve().parent
SHOPIFY_DEFINITION = "9da77001-af33-4bcd-be46-6252bf9342b9"
S3_DEFINITION = "4816b78f-1489-44c1-9060-4b19d5fa9362"


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
    #: what a job that is not done yet shows when polled (e.g. "incomplete")
    job_running_status: str = "running"
    #: the clock tokens expire by (seconds); a test may move it
    now: Callable[[], float] = time.monotonic
    #: what a sync writes (e.g. real-shaped Parquet into the lake), called with the
    #: connection when its sync job is created: the files are there before the job succeeds
    on_sync: Callable[[dict[str, Any]], None] | None = None
    requests: list[Request] = field(default_factory=list)
    tokens: dict[str, float] = field(default_factory=dict)  # token -> when it was issued
    _failures: list[tuple[str, str, int, bool]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ---- test controls -------------------------------------------------------------------
    def fail_next(
        self, status: int, times: int = 1, path: str = "", *, method: str = "", after: bool = False
    ) -> None:
        """The next `times` requests whose path starts with `path` (and of `method`, if given)
        answer `status`; `after`: once they did what they asked (a job is created, the client
        hears 503)."""
        self._failures.extend([(method, path, status, after)] * times)

    def start_job(self, connection_id: str) -> int:
        """A sync of the connection started elsewhere (the UI, another run); its id."""
        with self._lock:
            return int(self._jobs(["jobs"], "POST", {}, _job_body(connection_id))["jobId"])

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
            failure = self._failure(method, path)
            if failure and not failure[1]:
                return failure[0], {"detail": "injected failure"}
            status, payload = self._answer(method, path, query, headers, body)
            if failure:
                return failure[0], {"detail": "injected failure, after the request was done"}
            return status, payload

    def _failure(self, method: str, path: str) -> tuple[int, bool] | None:
        """(status, after) of the first injected failure for the request, now used up."""
        for i, (verb, prefix, status, after) in enumerate(self._failures):
            if path.startswith(prefix) and verb in ("", method):
                del self._failures[i]
                return status, after
        return None

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: Any,
    ) -> tuple[int, Any]:
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
        self.tokens[token] = self.now()
        return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_SECONDS}

    def _authorize(self, headers: dict[str, str]) -> None:
        auth = headers.get("authorization", "")
        issued = self.tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
        if issued is None:
            raise ApiError(401, "Unauthorized")
        if self.now() - issued >= TOKEN_SECONDS:
            raise ApiError(401, "Unauthorized: the access token has expired")

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> Any:
        parts = [p for p in path.split("/") if p]
        if parts == ["workspaces"] and method == "GET":
            return self._page(self.workspaces, query)
        if parts and parts[0] in ("sources", "destinations"):
            return self._actors(parts, method, query, body)
        if parts and parts[0] == "connections":
            return self._connections(parts, method, query, body)
        if parts and parts[0] == "jobs":
            return self._jobs(parts, method, query, body)
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
            _check_configuration(
                kind, b.get("definitionId"), {k: v for k, v in config.items() if k != type_key}
            )
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
                if "configuration" in b:
                    config = {k: v for k, v in b["configuration"].items() if k != f"{kind}Type"}
                    config = _merge_secrets(config, obj["configuration"])
                    _check_configuration(kind, obj.get("definitionId"), config)
                    obj["configuration"] = config
                if "name" in b:
                    obj["name"] = b["name"]
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
            self._check_connection(b, b["sourceId"])
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
            obj["configurations"] = self._server_streams(obj)
            self.connections[obj["connectionId"]] = obj
            return obj
        if len(parts) == 2 and parts[1] in self.connections:
            obj = self.connections[parts[1]]
            if method == "GET":
                return obj
            if method == "PATCH":
                b = self._fields(body, CONNECTION_FIELDS - {"sourceId", "destinationId"}, set())
                self._check_connection(b, obj["sourceId"])
                obj.update(b)
                obj["configurations"] = self._server_streams(obj)
                return obj
        raise ApiError(404, f"connection {'/'.join(parts[1:])} not found")

    def _catalog(self, source_id: str) -> dict[str, dict[str, Any]]:
        """The streams of the source's connector (source-shopify: the only one we have)."""
        source = self.sources.get(source_id)
        if source is None:
            raise ApiError(422, f"source {source_id} not found")
        if _definition("source", source.get("definitionId")) != SHOPIFY_DEFINITION:
            raise ApiError(422, f"the fake knows no catalog of source {source_id}")
        return dict(_shopify()["streams"])

    def _check_connection(self, b: dict[str, Any], source_id: str) -> None:
        sched = b.get("schedule")
        if sched is not None and sched.get("scheduleType") not in SCHEDULE_TYPES:
            raise ApiError(422, f"bad scheduleType {sched.get('scheduleType')!r}")
        streams = (b.get("configurations") or {}).get("streams", [])
        catalog = self._catalog(source_id) if streams else {}
        for stream in streams:
            unknown = set(stream) - STREAM_FIELDS
            if unknown:
                raise ApiError(422, f"unknown stream fields {sorted(unknown)}")
            _check_stream(stream, catalog)

    def _server_streams(self, connection: dict[str, Any]) -> dict[str, Any]:
        """Like Airbyte, fill each stream with what the catalog knows (cursor, primary key)."""
        streams = (connection.get("configurations") or {}).get("streams", [])
        catalog = self._catalog(connection["sourceId"]) if streams else {}
        full = []
        for s in streams:
            known = catalog[s["name"]]
            filled = {"primaryKey": known["source_defined_primary_key"], "selectedFields": [], **s}
            if s["syncMode"].startswith("incremental") and "cursorField" not in s:
                filled["cursorField"] = known["default_cursor_field"]
            full.append(filled)
        return {"streams": full}

    # ---- jobs ----------------------------------------------------------------------------
    def _jobs(self, parts: list[str], method: str, query: dict[str, list[str]], body: Any) -> Any:
        if len(parts) == 1 and method == "GET":
            return self._list_jobs(query)
        if len(parts) == 1 and method == "POST":
            b = self._fields(body, {"connectionId", "jobType"}, {"connectionId", "jobType"})
            if b["connectionId"] not in self.connections:
                raise ApiError(404, f"connection {b['connectionId']} not found")
            if b["jobType"] not in ("sync", "reset", "refresh", "clear"):
                raise ApiError(422, f"bad jobType {b['jobType']!r}")
            if any(
                j["connectionId"] == b["connectionId"] and j["status"] in ACTIVE_JOB
                for j in self.jobs.values()
            ):
                raise ApiError(409, f"A sync is already running for: {b['connectionId']}")
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
                job["status"] = self.job_running_status
            return _public_job(job)
        raise ApiError(404, "no such job route")

    def _list_jobs(self, query: dict[str, list[str]]) -> dict[str, Any]:
        unknown = set(query) - JOB_QUERY
        if unknown:
            raise ApiError(400, f"unknown query parameters {sorted(unknown)}")
        wanted = {k: query[k][0] for k in ("connectionId", "jobType", "status") if k in query}
        jobs = [
            _public_job(j)
            for j in self.jobs.values()
            if all(str(j[k]) == v for k, v in wanted.items())
        ]
        order = query.get("orderBy", ["createdAt|ASC"])[0]
        if order not in ("createdAt|ASC", "createdAt|DESC"):
            raise ApiError(400, f"bad orderBy {order!r}")
        return self._page(jobs[::-1] if order.endswith("DESC") else jobs, query)


def _job_body(connection_id: str) -> dict[str, str]:
    return {"connectionId": connection_id, "jobType": "sync"}


def _public_job(job: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in job.items() if k != "polls"}


# ---- the connectors ---------------------------------------------------------------------------
@functools.cache
def _shopify() -> dict[str, Any]:
    """source-shopify's spec and catalog (source_shopify_catalog.json)."""
    return dict(json.loads((HERE / "source_shopify_catalog.json").read_text()))


@functools.cache
def _specs() -> dict[str, tuple[str, dict[str, Any]]]:
    """definition id -> (connector, the JSON schema of its configuration)."""
    s3 = json.loads((HERE / "destination_s3_fields.json").read_text())
    return {
        SHOPIFY_DEFINITION: ("source-shopify", _shopify()["spec"]),
        S3_DEFINITION: ("destination-s3", s3),
    }


def _definition(kind: str, definition_id: str | None) -> str:
    """The connector definition a source or destination uses (by its type when not given)."""
    return definition_id or (SHOPIFY_DEFINITION if kind == "source" else S3_DEFINITION)


def _check_configuration(kind: str, definition_id: str | None, config: dict[str, Any]) -> None:
    """A 422 naming the first field of `config` that the connector's spec refuses."""
    known = _specs().get(_definition(kind, definition_id))
    if known is None:
        raise ApiError(404, f"{kind} definition {definition_id} not found")
    connector, schema = known
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    error = jsonschema.exceptions.best_match(validator.iter_errors(config))
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ApiError(
            422, f"configuration does not match {connector}'s spec: {where}: {error.message}"
        )


def _check_stream(stream: dict[str, Any], catalog: dict[str, dict[str, Any]]) -> None:
    """A 422 for a stream the catalog lacks or a sync mode it does not support."""
    name, mode = stream.get("name"), stream.get("syncMode")
    if name not in catalog:
        raise ApiError(422, f"stream {name!r} is not in the source's catalog")
    if mode not in SYNC_MODES:
        raise ApiError(422, f"bad syncMode {mode!r}")
    known = catalog[name]
    family = "incremental" if mode.startswith("incremental") else "full_refresh"
    if family not in known["supported_sync_modes"]:
        raise ApiError(
            422,
            f"stream {name!r} does not support {mode} (only "
            f"{', '.join(known['supported_sync_modes'])})",
        )
    if family == "incremental" and not (stream.get("cursorField") or known["default_cursor_field"]):
        raise ApiError(422, f"stream {name!r} has no cursor for {mode}")
    if mode == "incremental_deduped_history" and not (
        stream.get("primaryKey") or known["source_defined_primary_key"]
    ):
        raise ApiError(422, f"stream {name!r} has no primary key for {mode}")


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
    """Runs a `FakeAirbyte` on 127.0.0.1 (or `host`:`port`) in a background thread."""

    def __init__(
        self, fake: FakeAirbyte | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.fake = fake or FakeAirbyte()
        super().__init__(_Handler, self.fake, host, port)

    @property
    def url(self) -> str:
        return f"{self.origin}{PREFIX}"
