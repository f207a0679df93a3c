"""Reconcile `airbyte/*.yaml` with a running Airbyte: plan, apply, export.

Objects are matched by name within the workspace. `plan` lists what `apply` would create or
update; `apply` does it (sources and destinations first, then connections) and a second
`apply` finds nothing to do; `export` writes the server's objects back as YAML in the same
shape as the definitions, to see drift.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from spoon.extract.airbyte.client import AirbyteClient, AirbyteError
from spoon.files import atomic_write
from spoon.settings import Settings
from spoon.setup.airbyte.definitions import Definition, Definitions, Kind
from spoon.setup.airbyte.diff import Change, diff

_UUID = re.compile(r"^[0-9a-fA-F-]{36}$")
#: Keys that route a request to a connector; the definition id decides that.
_ROUTING = ("sourceType", "destinationType")
_CONNECTION_FIELDS = (
    "name",
    "status",
    "schedule",
    "namespaceDefinition",
    "namespaceFormat",
    "prefix",
    "nonBreakingSchemaUpdatesBehavior",
    "dataResidency",
    "configurations",
    "tags",
)
_ID_KEY: dict[Kind, str] = {
    "source": "sourceId",
    "destination": "destinationId",
    "connection": "connectionId",
}

Op = Literal["create", "update", "noop"]


@dataclass
class Action:
    kind: Kind
    name: str
    op: Op
    definition: Definition
    changes: list[Change] = field(default_factory=list)
    current: dict[str, Any] | None = None  # the server's object, if any

    @property
    def object_id(self) -> str | None:
        return None if self.current is None else str(self.current[_ID_KEY[self.kind]])


@dataclass
class Plan:
    workspace_id: str
    workspace_name: str
    actions: list[Action]

    def count(self, op: Op) -> int:
        return sum(1 for a in self.actions if a.op == op)

    @property
    def empty(self) -> bool:
        return all(a.op == "noop" for a in self.actions)


def client_from_settings(settings: Settings) -> AirbyteClient:
    return AirbyteClient(
        settings.airbyte_url,
        settings.airbyte_client_id,
        settings.airbyte_client_secret.get_secret_value(),
    )


def resolve_workspace(client: AirbyteClient, wanted: str) -> tuple[str, str]:
    """(id, name) of the workspace named (or identified by) `wanted`."""
    workspaces = client.list_workspaces()
    for ws in workspaces:
        if ws.get("workspaceId") == wanted or str(ws.get("name", "")).lower() == wanted.lower():
            return str(ws["workspaceId"]), str(ws.get("name", ""))
    if wanted.lower() == "default" and len(workspaces) == 1:
        return str(workspaces[0]["workspaceId"]), str(workspaces[0].get("name", ""))
    if _UUID.match(wanted):
        return wanted, wanted
    names = ", ".join(repr(w.get("name")) for w in workspaces) or "none"
    raise AirbyteError(
        f"no Airbyte workspace {wanted!r} (found {names}); set SPOON_AIRBYTE_WORKSPACE "
        "to a workspace's name or id"
    )


def _by_name(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for obj in objects:
        name = str(obj.get("name"))
        if name in found:
            raise AirbyteError(
                f"the workspace has two {kind}s named {name!r}; rename or delete one in Airbyte"
            )
        found[name] = obj
    return found


def _strip_routing(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k not in _ROUTING}


class Reconciler:
    """Plans and applies definitions against one Airbyte workspace."""

    def __init__(self, client: AirbyteClient, workspace: str) -> None:
        self.client = client
        self.workspace_id, self.workspace_name = resolve_workspace(client, workspace)

    # ---- state of the server -----------------------------------------------------------
    def current(self) -> dict[Kind, dict[str, dict[str, Any]]]:
        ws = self.workspace_id
        return {
            "source": _by_name(self.client.list_sources(ws), "source"),
            "destination": _by_name(self.client.list_destinations(ws), "destination"),
            "connection": _by_name(self.client.list_connections(ws), "connection"),
        }

    # ---- plan --------------------------------------------------------------------------
    def plan(self, defs: Definitions, *, rotate_secrets: bool = False) -> Plan:
        have = self.current()
        actions: list[Action] = []
        for kind, pool in (("source", defs.sources), ("destination", defs.destinations)):
            for name, d in pool.items():
                actions.append(self._plan_actor(kind, d, have[kind].get(name), rotate_secrets))  # type: ignore[arg-type]
        for name, d in defs.connections.items():
            actions.append(self._plan_connection(d, have, have["connection"].get(name)))
        return Plan(self.workspace_id, self.workspace_name, actions)

    def _plan_actor(
        self, kind: Kind, d: Definition, cur: dict[str, Any] | None, rotate: bool
    ) -> Action:
        want = _strip_routing(d.configuration)
        if cur is None:
            return Action(kind, d.name, "create", d, [Change("configuration", None, want)])
        if cur.get("definitionId") and cur["definitionId"] != d.body["definitionId"]:
            raise AirbyteError(
                f"{kind} {d.name!r} exists with another connector ({cur['definitionId']}); "
                f"delete it in Airbyte or rename it in {d.path.name}"
            )
        have = _strip_routing(dict(cur.get("configuration") or {}))
        changes = diff(want, have, "configuration", rotate_secrets=rotate)
        return Action(kind, d.name, "update" if changes else "noop", d, changes, cur)

    def _connection_body(
        self, d: Definition, have: dict[Kind, dict[str, dict[str, Any]]]
    ) -> dict[str, Any]:
        body = {k: d.body[k] for k in _CONNECTION_FIELDS if k in d.body}
        src, dst = (
            have["source"].get(d.body["source"]),
            have["destination"].get(d.body["destination"]),
        )
        body["sourceId"] = src["sourceId"] if src else f"(id of source {d.body['source']!r})"
        body["destinationId"] = (
            dst["destinationId"] if dst else f"(id of destination {d.body['destination']!r})"
        )
        return body

    def _plan_connection(
        self,
        d: Definition,
        have: dict[Kind, dict[str, dict[str, Any]]],
        cur: dict[str, Any] | None,
    ) -> Action:
        want = self._connection_body(d, have)
        if cur is None:
            shown = {k: v for k, v in want.items() if k != "name"}
            return Action("connection", d.name, "create", d, [Change("", None, shown)])
        for ref in ("sourceId", "destinationId"):
            if cur.get(ref) != want[ref]:
                raise AirbyteError(
                    f"connection {d.name!r} links another {ref[:-2]} in Airbyte; the API cannot "
                    f"relink it: delete the connection in Airbyte, then apply again"
                )
        changes = diff(want, cur)
        return Action("connection", d.name, "update" if changes else "noop", d, changes, cur)

    # ---- apply -------------------------------------------------------------------------
    def apply(
        self,
        defs: Definitions,
        *,
        rotate_secrets: bool = False,
        on_action: Callable[[Action], None] | None = None,
    ) -> Plan:
        """Create or update what differs; returns the plan that was carried out."""
        done: list[Action] = []
        for kind, pool in (("source", defs.sources), ("destination", defs.destinations)):
            have = self.current()
            for name, d in pool.items():
                action = self._plan_actor(kind, d, have[kind].get(name), rotate_secrets)  # type: ignore[arg-type]
                self._apply_actor(action)
                done.append(action)
                if on_action:
                    on_action(action)
        have = self.current()
        for name, d in defs.connections.items():
            action = self._plan_connection(d, have, have["connection"].get(name))
            body = self._connection_body(d, have)
            if action.op == "create":
                self.client.create_connection(body)
            elif action.op == "update":
                patch = {k: v for k, v in body.items() if k not in ("sourceId", "destinationId")}
                self.client.patch_connection(str(action.object_id), patch)
            done.append(action)
            if on_action:
                on_action(action)
        return Plan(self.workspace_id, self.workspace_name, done)

    def _apply_actor(self, action: Action) -> None:
        d = action.definition
        if action.op == "create":
            body = {
                "name": d.name,
                "workspaceId": self.workspace_id,
                "definitionId": d.body["definitionId"],
                "configuration": d.configuration,
            }
            if action.kind == "source":
                self.client.create_source(body)
            else:
                self.client.create_destination(body)
        elif action.op == "update":
            patch = {"name": d.name, "configuration": d.configuration}
            if action.kind == "source":
                self.client.patch_source(str(action.object_id), patch)
            else:
                self.client.patch_destination(str(action.object_id), patch)

    # ---- export ------------------------------------------------------------------------
    def export(self, out_dir: Path) -> list[Path]:
        """Write every source, destination and connection of the workspace as YAML."""
        have = self.current()
        names = {
            "source": {o["sourceId"]: n for n, o in have["source"].items()},
            "destination": {o["destinationId"]: n for n, o in have["destination"].items()},
        }
        docs: list[tuple[str, dict[str, Any]]] = []
        for kind in ("source", "destination"):
            for name, obj in sorted(have[kind].items()):  # type: ignore[index]
                docs.append(
                    (
                        f"{kind}-{name}",
                        {
                            "kind": kind,
                            "name": name,
                            "definitionId": obj.get("definitionId"),
                            "configuration": obj.get("configuration") or {},
                        },
                    )
                )
        for name, obj in sorted(have["connection"].items()):
            doc: dict[str, Any] = {"kind": "connection", "name": name}
            doc["source"] = names["source"].get(obj.get("sourceId"), obj.get("sourceId"))
            doc["destination"] = names["destination"].get(
                obj.get("destinationId"), obj.get("destinationId")
            )
            doc.update({k: obj[k] for k in _CONNECTION_FIELDS if k in obj and k != "name"})
            docs.append((f"connection-{name}", doc))

        out_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        header = (
            f"# Exported by `spoon airbyte export` from {self.client.url}, workspace "
            f"{self.workspace_name or self.workspace_id}.\n"
            "# Secrets are masked by the server; compare with airbyte/*.yaml to see drift.\n"
        )
        for stem, doc in docs:
            path = out_dir / f"{_safe(stem)}.yaml"
            text = header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
            written.append(atomic_write(path, text))
        return written


def _safe(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-")
