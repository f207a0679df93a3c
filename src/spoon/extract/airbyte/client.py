"""A thin client for Airbyte's public API, built on `airbyte-api` (the official SDK).

It works around the SDK's known problems and returns plain JSON dicts:

- the SDK's client-credentials hook joins a relative token URL onto the host (dropping
  `/api/public/v1`) and posts a form; we fetch the token ourselves from the absolute
  `{url}/applications/token` with a JSON body, and renew it before it expires or on a 401;
- typed request models reject raw connector configurations (e.g. Shopify's): requests are
  built with `model_construct`, so the JSON we give is the JSON sent;
- responses from newer servers can fail the SDK's validation: we always read the raw JSON
  (also from `ResponseValidationError.raw_response`);
- 429 and 5xx are retried with exponential backoff (the SDK's own retry loop, also used
  for the token request); connection errors too. Except when starting a sync: a 5xx or a
  timeout may come after Airbyte created the job, and Airbyte answers 409 while a sync of
  the connection runs, so `start_sync` looks for the running job before trying again and
  joins it: never a second sync.
"""

from __future__ import annotations

import json
import random
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pydantic
from airbyte_api import AirbyteAPI, api, errors, models
from airbyte_api.utils import retries as sdk_retries

from spoon.errors import SpoonError, first_line

T = TypeVar("T")
PAGE = 100


class AirbyteError(SpoonError):
    """Airbyte's API refused a request (its HTTP `status`) or cannot be reached (None)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


#: a job in one of these may still change (incomplete: Airbyte retries its attempt)
ACTIVE_JOB = ("pending", "running", "incomplete")


class AirbyteClient:
    """Airbyte's public API at `url` (…/api/public/v1) with client-credentials auth."""

    def __init__(
        self,
        url: str,
        client_id: str,
        client_secret: str,
        *,
        timeout_s: float = 30.0,
        backoff_initial_ms: int = 500,
        backoff_max_ms: int = 10_000,
        max_elapsed_ms: int = 60_000,
    ) -> None:
        if not client_id or not client_secret:
            raise AirbyteError(
                "SPOON_AIRBYTE_CLIENT_ID and SPOON_AIRBYTE_CLIENT_SECRET must be set: create an "
                "application in Airbyte (Settings > Applications) or run `abctl local credentials`"
            )
        self.url = url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._http = httpx.Client(timeout=timeout_s, follow_redirects=True)
        self._retry = sdk_retries.RetryConfig(
            "backoff",
            sdk_retries.BackoffStrategy(backoff_initial_ms, backoff_max_ms, 2.0, max_elapsed_ms),
            retry_connection_errors=True,
        )
        self._backoff = (backoff_initial_ms / 1000, backoff_max_ms / 1000, max_elapsed_ms / 1000)
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self.sdk = AirbyteAPI(
            server_url=self.url,
            security=self._security,
            client=self._http,
            retry_config=self._retry,
            timeout_ms=int(timeout_s * 1000),
        )

    # ---- auth --------------------------------------------------------------------------
    @property
    def token_url(self) -> str:
        return f"{self.url}/applications/token"

    def _security(self) -> models.Security:
        return models.Security(bearer_auth=self.token())

    def token(self, *, renew: bool = False) -> str:
        """A bearer token, fetched again a little before it expires."""
        with self._lock:
            if renew or self._token is None or time.monotonic() > self._expires_at:
                self._token, lifetime = self._fetch_token()
                self._expires_at = time.monotonic() + max(lifetime - 30, lifetime / 2)
            return self._token

    def _fetch_token(self) -> tuple[str, float]:
        body = {
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            # Airbyte documents `grant-type`; OAuth clients send `grant_type`: send both
            "grant-type": "client_credentials",
            "grant_type": "client_credentials",
        }

        def post() -> httpx.Response:
            return self._http.post(self.token_url, json=body)

        res = self._send(post, "get an access token")
        try:
            payload = res.json()
            return str(payload["access_token"]), float(payload.get("expires_in") or 180)
        except (ValueError, KeyError, TypeError):
            raise AirbyteError(
                f"{self.token_url} answered without an access_token; check SPOON_AIRBYTE_URL"
            ) from None

    # ---- transport ---------------------------------------------------------------------
    def _send(self, func: Callable[[], httpx.Response], action: str) -> httpx.Response:
        """Send with retries on 429/5xx/connection errors, then turn failures into errors."""
        try:
            res: httpx.Response = sdk_retries.retry(
                func, sdk_retries.Retries(self._retry, ["429", "5XX"])
            )
        except httpx.TransportError as err:
            raise self._unreachable(err) from None
        if res.status_code >= 400:
            raise self._refused(res, action)
        return res

    def _unreachable(self, err: Exception) -> AirbyteError:
        return AirbyteError(
            f"cannot reach Airbyte at {self.url} ({type(err).__name__}); is it running "
            "(`make airbyte-up`) and is SPOON_AIRBYTE_URL right?"
        )

    def _refused(self, res: httpx.Response, action: str) -> AirbyteError:
        code = res.status_code
        if code == 401 or (code == 403 and "token" in str(res.request.url)):
            return AirbyteError(
                f"Airbyte rejected the credentials ({code}) while trying to {action}; check "
                "SPOON_AIRBYTE_CLIENT_ID and SPOON_AIRBYTE_CLIENT_SECRET",
                code,
            )
        if code == 404 and str(res.request.url).startswith(self.token_url):
            return AirbyteError(
                f"no Airbyte public API at {self.url} (404 on /applications/token); "
                "SPOON_AIRBYTE_URL must end in /api/public/v1",
                code,
            )
        detail = _message(res)
        return AirbyteError(f"Airbyte refused to {action} ({code}): {detail}", code)

    def _call(self, action: str, op: Callable[[], Any]) -> Any:
        """Run one SDK operation; return the response's raw JSON (None if empty)."""
        for attempt in (1, 2):
            try:
                with warnings.catch_warnings():
                    # model_construct'ed configs make pydantic warn while serializing
                    warnings.simplefilter("ignore")
                    res = op()
                raw: httpx.Response = res.raw_response
            except errors.ResponseValidationError as err:  # newer server, stricter SDK
                raw = err.raw_response
            except errors.AirbyteAPIError as err:
                if err.raw_response.status_code == 401 and attempt == 1:
                    self.token(renew=True)
                    continue
                raise self._refused(err.raw_response, action) from None
            except httpx.TransportError as err:
                raise self._unreachable(err) from None
            return raw.json() if raw.content else None
        raise AssertionError("unreachable")  # pragma: no cover

    def _pages(self, action: str, op: Callable[[int], Any]) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            page = self._call(action, lambda at=offset: op(at)) or {}
            data = page.get("data") or []
            yield from data
            if len(data) < PAGE or not page.get("next"):
                return
            offset += len(data)

    # ---- items of one kind -------------------------------------------------------------
    def _endpoint(self, kind: _Kind, verb: str) -> Callable[..., Any]:
        """`verb` ("list", "create", "patch") of `kind`, e.g. `sdk.sources.create_source`."""
        plural = f"{kind.name}s"
        item = plural if verb == "list" else kind.name
        return getattr(getattr(self.sdk, plural), f"{verb}_{item}")

    def _items(self, kind: _Kind, workspace_id: str) -> list[dict[str, Any]]:
        """Every item of one kind in the workspace, page by page."""
        endpoint = self._endpoint(kind, "list")
        request = kind.list_request
        return list(
            self._pages(
                f"list {kind.name}s",
                lambda o: endpoint(
                    request=request(workspace_ids=[workspace_id], limit=PAGE, offset=o)
                ),
            )
        )

    def _create(self, kind: _Kind, body: dict[str, Any]) -> dict[str, Any]:
        req = kind.request(kind.create_model, body, _SOURCE_FIELDS)
        endpoint = self._endpoint(kind, "create")
        return self._call(f"create {kind.name} {body.get('name')!r}", lambda: endpoint(request=req))

    def _patch(self, kind: _Kind, item_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """PATCH one item: its id and the patch, the request built unchecked."""
        fields = {
            f"{kind.name}_id": item_id,
            f"{kind.name}_patch_request": kind.request(kind.patch_model, body, _PATCH_FIELDS),
        }
        endpoint = self._endpoint(kind, "patch")
        return self._call(
            f"update {kind.name} {body.get('name')!r}",
            lambda: endpoint(request=kind.patch_request.model_construct(**fields)),
        )

    # ---- workspaces --------------------------------------------------------------------
    def list_workspaces(self) -> list[dict[str, Any]]:
        return list(
            self._pages(
                "list workspaces",
                lambda o: self.sdk.workspaces.list_workspaces(
                    request=api.ListWorkspacesRequest(limit=PAGE, offset=o)
                ),
            )
        )

    # ---- sources, destinations, connections --------------------------------------------
    def list_sources(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._items(_SOURCE, workspace_id)

    def list_destinations(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._items(_DESTINATION, workspace_id)

    def list_connections(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._items(_CONNECTION, workspace_id)

    def create_source(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._create(_SOURCE, body)

    def create_destination(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._create(_DESTINATION, body)

    def create_connection(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._create(_CONNECTION, body)

    def patch_source(self, source_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._patch(_SOURCE, source_id, body)

    def patch_destination(self, destination_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._patch(_DESTINATION, destination_id, body)

    def patch_connection(self, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._patch(_CONNECTION, connection_id, body)

    # ---- jobs --------------------------------------------------------------------------
    def start_sync(self, connection_id: str) -> dict[str, Any]:
        """A new sync job of the connection, or the one already running: never a second.

        The start is not retried blindly: a 5xx, 429, timeout or 409 ("a sync is already
        running") first makes us look for the connection's running job, which we join;
        only if there is none do we try again, with backoff, for as long as other calls."""
        req = models.JobCreateRequest(connection_id=connection_id, job_type=models.JobTypeEnum.SYNC)
        initial, longest, budget = self._backoff
        t0 = time.monotonic()
        for attempt in range(100):
            try:
                return self._call(
                    "start a sync", lambda: self.sdk.jobs.create_job(request=req, retries=None)
                )
            except AirbyteError as err:
                if err.status is not None and err.status not in (409, 429) and err.status < 500:
                    raise
                running = self.running_job(connection_id)
                if running is not None:
                    return running
                pause = min(initial * 2**attempt + random.uniform(0, 1), longest)
                if time.monotonic() - t0 + pause > budget:
                    raise
                time.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def running_job(self, connection_id: str) -> dict[str, Any] | None:
        """The connection's newest sync job that is not done yet, if any."""
        req = api.ListJobsRequest(
            connection_id=connection_id,
            job_type=models.JobTypeEnum.SYNC,
            order_by="createdAt|DESC",
            limit=PAGE,
        )
        page = self._call(
            "list the connection's jobs", lambda: self.sdk.jobs.list_jobs(request=req)
        )
        jobs = (page or {}).get("data") or []
        return next((j for j in jobs if j.get("status") in ACTIVE_JOB), None)

    def get_job(self, job_id: int) -> dict[str, Any]:
        return self._call(
            f"read job {job_id}",
            lambda: self.sdk.jobs.get_job(request=api.GetJobRequest(job_id=job_id)),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> AirbyteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---- request bodies -----------------------------------------------------------------------
_SOURCE_FIELDS = {
    "name": "name",
    "workspaceId": "workspace_id",
    "definitionId": "definition_id",
    "configuration": "configuration",
}
_PATCH_FIELDS = {"name": "name", "configuration": "configuration"}


def _snake(body: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    unknown = set(body) - set(fields)
    if unknown:
        raise AirbyteError(f"unsupported fields {sorted(unknown)} in {body.get('name')!r}")
    return {fields[k]: v for k, v in body.items()}


class _RawBody:
    """A connection request model from `body` (camelCase keys, as in the YAML).

    Unlike connector configurations, connection fields are typed well by the SDK, so they
    are validated (a typo in a sync mode fails here, before any request).
    """

    def __init__(self, model: type[Any], body: dict[str, Any]) -> None:
        self._model = model
        self._body = body

    def model(self) -> Any:
        by_alias = {(f.alias or n): n for n, f in self._model.model_fields.items()}
        unknown = set(self._body) - set(by_alias)
        name = self._body.get("name")
        if unknown:
            raise AirbyteError(f"unsupported connection fields {sorted(unknown)} in {name!r}")
        try:
            return self._model.model_validate(self._body)
        except pydantic.ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise AirbyteError(
                f"connection {name!r}: {where} is invalid ({first['msg']}); fix its YAML"
            ) from None


@dataclass(frozen=True)
class _Kind:
    """One kind of workspace item: its name (its SDK endpoints are `sdk.<name>s.list_<name>s`,
    `.create_<name>` and `.patch_<name>`) and request models."""

    name: str
    create_model: type[Any]
    patch_model: type[Any]
    list_request: type[Any]
    patch_request: type[Any]
    validated: bool = False  # connections: their bodies are validated (`_RawBody`)

    def request(self, model: type[Any], body: dict[str, Any], fields: dict[str, str]) -> Any:
        """The request model of `body`: a connector's configuration goes unchecked (only
        `fields` allowed), a connection's is validated."""
        if self.validated:
            return _RawBody(model, body).model()
        return model.model_construct(**_snake(body, fields))


_SOURCE = _Kind(
    "source",
    models.SourceCreateRequest,
    models.SourcePatchRequest,
    api.ListSourcesRequest,
    api.PatchSourceRequest,
)
_DESTINATION = _Kind(
    "destination",
    models.DestinationCreateRequest,
    models.DestinationPatchRequest,
    api.ListDestinationsRequest,
    api.PatchDestinationRequest,
)
_CONNECTION = _Kind(
    "connection",
    models.ConnectionCreateRequest,
    models.ConnectionPatchRequest,
    api.ListConnectionsRequest,
    api.PatchConnectionRequest,
    validated=True,
)


def _message(res: httpx.Response) -> str:
    try:
        body = res.json()
    except ValueError:
        return first_line(res.text, 300) or res.reason_phrase
    if isinstance(body, dict):
        for key in ("detail", "message", "title", "error"):
            if body.get(key):
                return str(body[key])[:300]
    return json.dumps(body)[:300]
