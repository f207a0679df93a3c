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
  for the token request); connection errors too.
"""

from __future__ import annotations

import json
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import pydantic
from airbyte_api import AirbyteAPI, api, errors, models
from airbyte_api.utils import retries as sdk_retries

from spoon.errors import SpoonError, first_line

T = TypeVar("T")
PAGE = 100


class AirbyteError(SpoonError):
    """Airbyte's API refused a request or cannot be reached."""


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
                "SPOON_AIRBYTE_CLIENT_ID and SPOON_AIRBYTE_CLIENT_SECRET"
            )
        if code == 404 and str(res.request.url).startswith(self.token_url):
            return AirbyteError(
                f"no Airbyte public API at {self.url} (404 on /applications/token); "
                "SPOON_AIRBYTE_URL must end in /api/public/v1"
            )
        detail = _message(res)
        return AirbyteError(f"Airbyte refused to {action} ({code}): {detail}")

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

    def _list_in(
        self, workspace_id: str, what: str, endpoint: Callable[..., Any], request: type
    ) -> list[dict[str, Any]]:
        """Every item of one kind in the workspace, page by page."""
        return list(
            self._pages(
                f"list {what}",
                lambda o: endpoint(
                    request=request(workspace_ids=[workspace_id], limit=PAGE, offset=o)
                ),
            )
        )

    def _update(
        self, what: str, endpoint: Callable[..., Any], request: Any, **fields: Any
    ) -> dict[str, Any]:
        """PATCH one item: `request` built from `fields` (its id and the patch) unchecked."""
        return self._call(
            f"update {what}", lambda: endpoint(request=request.model_construct(**fields))
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

    # ---- sources -----------------------------------------------------------------------
    def list_sources(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._list_in(
            workspace_id, "sources", self.sdk.sources.list_sources, api.ListSourcesRequest
        )

    def create_source(self, body: dict[str, Any]) -> dict[str, Any]:
        req = models.SourceCreateRequest.model_construct(**_snake(body, _SOURCE_FIELDS))
        return self._call(
            f"create source {body.get('name')!r}",
            lambda: self.sdk.sources.create_source(request=req),
        )

    def patch_source(self, source_id: str, body: dict[str, Any]) -> dict[str, Any]:
        patch = models.SourcePatchRequest.model_construct(**_snake(body, _PATCH_FIELDS))
        return self._update(
            f"source {body.get('name')!r}",
            self.sdk.sources.patch_source,
            api.PatchSourceRequest,
            source_id=source_id,
            source_patch_request=patch,
        )

    # ---- destinations ------------------------------------------------------------------
    def list_destinations(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._list_in(
            workspace_id,
            "destinations",
            self.sdk.destinations.list_destinations,
            api.ListDestinationsRequest,
        )

    def create_destination(self, body: dict[str, Any]) -> dict[str, Any]:
        req = models.DestinationCreateRequest.model_construct(**_snake(body, _SOURCE_FIELDS))
        return self._call(
            f"create destination {body.get('name')!r}",
            lambda: self.sdk.destinations.create_destination(request=req),
        )

    def patch_destination(self, destination_id: str, body: dict[str, Any]) -> dict[str, Any]:
        patch = models.DestinationPatchRequest.model_construct(**_snake(body, _PATCH_FIELDS))
        return self._update(
            f"destination {body.get('name')!r}",
            self.sdk.destinations.patch_destination,
            api.PatchDestinationRequest,
            destination_id=destination_id,
            destination_patch_request=patch,
        )

    # ---- connections -------------------------------------------------------------------
    def list_connections(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._list_in(
            workspace_id,
            "connections",
            self.sdk.connections.list_connections,
            api.ListConnectionsRequest,
        )

    def create_connection(self, body: dict[str, Any]) -> dict[str, Any]:
        req = _RawBody(models.ConnectionCreateRequest, body)
        return self._call(
            f"create connection {body.get('name')!r}",
            lambda: self.sdk.connections.create_connection(request=req.model()),
        )

    def patch_connection(self, connection_id: str, body: dict[str, Any]) -> dict[str, Any]:
        patch = _RawBody(models.ConnectionPatchRequest, body).model()
        return self._update(
            f"connection {body.get('name')!r}",
            self.sdk.connections.patch_connection,
            api.PatchConnectionRequest,
            connection_id=connection_id,
            connection_patch_request=patch,
        )

    # ---- jobs --------------------------------------------------------------------------
    def start_sync(self, connection_id: str) -> dict[str, Any]:
        req = models.JobCreateRequest(connection_id=connection_id, job_type=models.JobTypeEnum.SYNC)
        return self._call("start a sync", lambda: self.sdk.jobs.create_job(request=req))

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
