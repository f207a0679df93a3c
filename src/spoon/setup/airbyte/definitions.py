"""The Airbyte definitions in `airbyte/*.yaml`: load, resolve `${VAR}` references, check.

Each file holds one object with a `kind` (`source`, `destination` or `connection`) and the
fields of Airbyte's public API for that object, except that a connection names its source
and destination (`source: shopify`) instead of giving their ids.

Values may reference variables as `${NAME}` (must be set) or `${NAME:-default}`; `$${...}`
stays a literal `${...}` (Airbyte's own placeholders, as in docker compose). Variables come
from the environment, then from the `.env` file the settings read.

Several shops (contract 4): a file with `forEachShop: true` is one object per shop of
SPOON_LAKE_NAMESPACES. For shop `ns` it reads `NAME_<NS>` before `NAME` (e.g.
SPOON_SHOPIFY_SHOP_SHOP_EU), except that the shop's Shopify name and token have no fallback
but for the default shop (SPOON_LAKE_NAMESPACE); `${SPOON_LAKE_NAMESPACE}` is the shop and
`${SPOON_SHOP_SUFFIX:-}` is '' for the default shop (today's names) and `-<ns>` else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from dotenv import dotenv_values

from spoon.errors import SpoonError
from spoon.settings import repo_path

Kind = Literal["source", "destination", "connection"]
KINDS: tuple[Kind, ...] = ("source", "destination", "connection")
#: `${NAME}`, `${NAME:-default}`, or the escape `$${...}`.
_REF = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class DefinitionError(SpoonError):
    """A definition file is wrong (the message names the file)."""


@dataclass(frozen=True)
class Definition:
    """One resolved definition file."""

    kind: Kind
    name: str
    path: Path
    body: dict[str, Any]  # the API fields, `${...}` resolved (secrets included)
    secrets: frozenset[str] = field(default_factory=frozenset)  # dotted paths of secret values

    @property
    def configuration(self) -> dict[str, Any]:
        return dict(self.body.get("configuration") or {})


@dataclass(frozen=True)
class Definitions:
    sources: dict[str, Definition]
    destinations: dict[str, Definition]
    connections: dict[str, Definition]

    def all(self) -> list[Definition]:
        return [*self.sources.values(), *self.destinations.values(), *self.connections.values()]


def default_dir() -> Path:
    return repo_path("airbyte")


def variables(env_file: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The environment over the `.env` file (the same file the settings read)."""
    path = Path(env_file or os.environ.get("SPOON_ENV_FILE", ".env"))
    from_file = {k: v for k, v in dotenv_values(path).items() if v is not None}
    return {**from_file, **os.environ}


#: per-shop values that never fall back to the shared variable (a shop's own credentials)
PER_SHOP_ONLY = frozenset({"SPOON_SHOPIFY_SHOP", "SPOON_SHOPIFY_ACCESS_TOKEN"})


class ShopEnv(Mapping[str, str]):
    """The variables as one shop's definitions see them (see the module docstring)."""

    def __init__(self, env: Mapping[str, str], shop: str, default: bool) -> None:
        self.env, self.shop, self.default = env, shop, default
        self.fixed = {
            "SPOON_LAKE_NAMESPACE": shop,
            "SPOON_SHOP": shop,
            "SPOON_SHOP_SUFFIX": "" if default else f"-{shop}",
        }

    def own(self, name: str) -> str:
        return f"{name}_{self.shop.upper()}"

    def describe(self, name: str) -> str:
        """The variable to set when `name` is missing for this shop."""
        if name in self.fixed or (self.default and name in PER_SHOP_ONLY):
            return name
        return self.own(name) if name in PER_SHOP_ONLY else name

    def __getitem__(self, name: str) -> str:
        if name in self.fixed:
            return self.fixed[name]
        found = self.env.get(self.own(name))
        if found not in (None, ""):
            return str(found)
        if name in PER_SHOP_ONLY and not self.default:
            raise KeyError(name)
        return self.env[name]

    def __iter__(self) -> Any:
        return iter({*self.env, *self.fixed})

    def __len__(self) -> int:
        return len({*self.env, *self.fixed})


def shops_of(env: Mapping[str, str]) -> tuple[list[str], str]:
    """The shops SPOON_LAKE_NAMESPACES lists (else the one SPOON_LAKE_NAMESPACE) and the
    default shop, as the settings read them."""
    from spoon.settings import parse_namespaces

    default = env.get("SPOON_LAKE_NAMESPACE") or "shopify"
    try:
        listed = parse_namespaces(env.get("SPOON_LAKE_NAMESPACES") or "")
    except ValueError as err:
        raise DefinitionError(f"SPOON_LAKE_NAMESPACES is invalid: {err}") from None
    return listed or [default], default


def resolve(value: Any, env: Mapping[str, str], where: str) -> tuple[Any, set[str]]:
    """Replace `${...}` references; returns the value and the dotted paths that used any."""
    used: set[str] = set()

    def walk(node: Any, path: str) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, f"{path}.{k}" if path else str(k)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, f"{path}[{i}]") for i, v in enumerate(node)]
        if not isinstance(node, str) or "$" not in node:
            return node

        def sub(m: re.Match[str]) -> str:
            if m.group(0) == "$${":
                return "${"
            name, default = m.group(1), m.group(2)
            found = env.get(name)
            if found in (None, ""):
                if default is None:
                    shown = env.describe(name) if isinstance(env, ShopEnv) else name
                    raise DefinitionError(
                        f"{where}: {path} needs ${{{shown}}}, which is not set; "
                        "set it in .env or the environment"
                    )
                found = default
            used.add(path)
            return found

        return _REF.sub(sub, node)

    return walk(value, ""), used


def load_file(path: Path, env: Mapping[str, str]) -> list[Definition]:
    """The file's object, or with `forEachShop: true` one object per shop."""
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        raise DefinitionError(f"{path}: not valid YAML ({err}); fix the file") from None
    if not isinstance(raw, dict):
        raise DefinitionError(f"{path}: expected a mapping with `kind` and `name`")
    kind = raw.pop("kind", None)
    if kind not in KINDS:
        raise DefinitionError(f"{path}: `kind` must be one of {', '.join(KINDS)}, got {kind!r}")
    per_shop = raw.pop("forEachShop", False)
    if per_shop is not True and per_shop is not False:
        raise DefinitionError(f"{path}: `forEachShop` must be true or false")
    if not per_shop:
        return [_definition(path, kind, raw, env, path.name)]
    shops, default = shops_of(env)
    return [
        _definition(path, kind, raw, ShopEnv(env, ns, ns == default), f"{path.name} (shop {ns})")
        for ns in shops
    ]


def _definition(
    path: Path, kind: Kind, raw: dict[str, Any], env: Mapping[str, str], where: str
) -> Definition:
    body, used = resolve(raw, env, where)
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise DefinitionError(f"{path}: `name` is missing")
    required = {
        "source": ("definitionId", "configuration"),
        "destination": ("definitionId", "configuration"),
        "connection": ("source", "destination", "configurations"),
    }[kind]
    missing = [k for k in required if k not in body]
    if missing:
        raise DefinitionError(f"{path}: missing {', '.join(missing)} for a {kind}")
    secrets = frozenset(p for p in used if _looks_secret(p))
    return Definition(kind, name, path, body, secrets)


_SECRET_WORDS = ("password", "secret", "token", "access_key", "private_key", "api_key")


def _looks_secret(path: str) -> bool:
    leaf = path.rsplit(".", 1)[-1].lower()
    return any(w in leaf for w in _SECRET_WORDS)


def load_definitions(
    directory: Path | None = None, env: Mapping[str, str] | None = None
) -> Definitions:
    """Every `*.yaml` / `*.yml` file of the folder, checked for duplicates and references."""
    folder = directory or default_dir()
    if not folder.is_dir():
        raise DefinitionError(f"no Airbyte definitions folder at {folder}; pass --dir")
    env = variables() if env is None else env
    found: dict[Kind, dict[str, Definition]] = {k: {} for k in KINDS}
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not files:
        raise DefinitionError(f"no *.yaml definitions in {folder}")
    for path in files:
        for d in load_file(path, env):
            if d.name in found[d.kind]:
                other = found[d.kind][d.name].path.name
                raise DefinitionError(
                    f"{path.name}: {d.kind} {d.name!r} is also defined in {other}"
                )
            found[d.kind][d.name] = d
    for conn in found["connection"].values():
        for ref, pool in (("source", found["source"]), ("destination", found["destination"])):
            if conn.body[ref] not in pool:
                raise DefinitionError(
                    f"{conn.path.name}: {ref} {conn.body[ref]!r} is not defined in {folder}"
                )
        names = [s.get("name") for s in conn.body["configurations"].get("streams", [])]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise DefinitionError(f"{conn.path.name}: streams listed twice: {sorted(dupes)}")
    return Definitions(found["source"], found["destination"], found["connection"])
