"""The ordered SQL files in `snowflake/`, rendered from settings into statements.

The files are Jinja templates whose only inputs are the names derived from settings
(`spoon.names`); rendering is strict (an unknown name is an error).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from spoon import names as nm
from spoon.errors import SettingsError, SpoonError
from spoon.settings import Settings

FILE_RE = re.compile(r"^\d{2}_[a-z0-9_]+\.sql$")
_WORDS = re.compile(r"[A-Za-z_$]+")
#: Statement kinds are their first keywords; these take three words (`CREATE FILE FORMAT`).
_THREE_WORD = {
    "CREATE STORAGE INTEGRATION",
    "ALTER STORAGE INTEGRATION",
    "CREATE RESOURCE MONITOR",
    "ALTER RESOURCE MONITOR",
    "CREATE FILE FORMAT",
    "CREATE MASKING POLICY",
    "ALTER MASKING POLICY",
    "CREATE NETWORK POLICY",
    "ALTER NETWORK POLICY",
}


@dataclass(frozen=True)
class Statement:
    """One SQL statement of one file."""

    file: str
    index: int  # 1-based within the file
    sql: str

    @property
    def kind(self) -> str:
        """`CREATE TABLE`, `GRANT`, `USE ROLE`, ... (IF NOT EXISTS and OR REPLACE dropped)."""
        words = [w.upper() for w in _WORDS.findall(_strip_comments(self.sql))[:4]]
        if not words:
            return ""
        if words[0] in {"GRANT", "REVOKE"}:
            return words[0]
        three = " ".join(words[:3])
        if three in _THREE_WORD:
            return three
        return " ".join(words[:2])

    @property
    def role(self) -> str | None:
        """The role a `USE ROLE` statement switches to."""
        if self.kind != "USE ROLE":
            return None
        return _WORDS.findall(_strip_comments(self.sql))[2].upper()


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def sql_files(directory: Path | None = None) -> list[Path]:
    """The bootstrap files in the order they run (`NN_name.sql`)."""
    folder = directory or nm.sql_dir()
    files = sorted(p for p in folder.glob("*.sql") if FILE_RE.match(p.name))
    if not files:
        raise SpoonError(f"no NN_name.sql files in {folder}; run from a checkout of the project")
    return files


def _public_key(settings: Settings, user: str) -> str | None:
    path = nm.public_key_path(settings, user)
    if not path.exists():
        return None
    body = path.read_text(encoding="utf-8")
    lines = [ln.strip() for ln in body.splitlines() if ln.strip() and "-----" not in ln]
    return "".join(lines)


def missing_public_keys(settings: Settings) -> list[str]:
    names = nm.snowflake_names(settings)
    return [
        str(nm.public_key_path(settings, u)) for u in names.users if not _public_key(settings, u)
    ]


def allowed_ips(settings: Settings) -> list[str]:
    """SPOON_SNOWFLAKE_ALLOWED_IPS as a list of IPv4 CIDRs (a bad entry is a one-line error)."""
    import ipaddress

    out: list[str] = []
    for item in (i.strip() for i in settings.snowflake_allowed_ips.split(",")):
        if not item:
            continue
        try:
            net = ipaddress.IPv4Network(item, strict=False)
        except ValueError:
            raise SettingsError(
                f"SPOON_SNOWFLAKE_ALLOWED_IPS: {item!r} is not an IPv4 address or CIDR; "
                "fix it in .env (e.g. 203.0.113.7/32,198.51.100.0/24)"
            ) from None
        out.append(str(net))
    return out


def context(settings: Settings) -> dict[str, Any]:
    """Everything the templates may use (fails with one line if a needed setting is unset)."""
    nm.require(
        settings,
        "s3_bucket",
        "aws_account_id",
        why="the stage and the storage integration point at the lake bucket",
    )
    names = nm.snowflake_names(settings)
    wh = {
        names.loader_role: names.loading_wh,
        names.transformer_role: names.transforming_wh,
        names.reporter_role: names.reporting_wh,
    }
    users = [
        {
            "name": user,
            "role": role,
            "warehouse": wh[role],
            "public_key": _public_key(settings, user)
            or f"<no public key: run `spoon bootstrap keygen` to make {user}.pub>",
        }
        for user, role in names.users.items()
    ]
    return {
        **{k: v for k, v in names.__dict__.items() if k != "namespaces"},
        "analytics_schemas": list(nm.ANALYTICS_SCHEMAS),
        "streams": list(nm.STREAMS),
        "namespace": settings.namespaces[0],
        "namespaces": list(names.namespaces),
        "pipes": names.pipes(),
        "stage_url": nm.stage_url(settings),
        "aws_role_arn": nm.aws_role_arn(settings),
        "credit_quota": settings.snowflake_credit_quota,
        "users": users,
        "allowed_ips": allowed_ips(settings),
        "network_policy": f"SPOON_SERVICES{names.suffix}",
    }


def render_file(path: Path, ctx: dict[str, Any]) -> str:
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    try:
        return env.from_string(path.read_text(encoding="utf-8")).render(**ctx)
    except jinja2.TemplateError as err:
        raise SpoonError(f"{path.name}: cannot render: {err}") from None


def split(sql: str, file: str) -> list[Statement]:
    """Statements of one rendered file, comments kept (they document the statement)."""
    import warnings

    with warnings.catch_warnings():  # the connector's vendored requests warns on import
        warnings.simplefilter("ignore")
        from snowflake.connector.util_text import split_statements

    out: list[Statement] = []
    for text, _is_put_get in split_statements(io.StringIO(sql), remove_comments=False):
        if not _strip_comments(text).strip().rstrip(";").strip():
            continue
        out.append(Statement(file, len(out) + 1, text.strip()))
    return out


def render_all(settings: Settings, directory: Path | None = None) -> dict[str, str]:
    """File name -> rendered SQL, in order."""
    ctx = context(settings)
    return {p.name: render_file(p, ctx) for p in sql_files(directory)}


def statements(settings: Settings, directory: Path | None = None) -> list[Statement]:
    out: list[Statement] = []
    for name, sql in render_all(settings, directory).items():
        out.extend(split(sql, name))
    return out


def pipe_copy(statement: Statement) -> str:
    """The COPY statement a `CREATE PIPE ... AS COPY ...` runs (e.g. for a manual backfill)."""
    if statement.kind != "CREATE PIPE":
        raise ValueError(f"not a CREATE PIPE statement: {statement.kind}")
    match = re.search(r"\bAS\s+(COPY\s+INTO\b.*)", statement.sql, flags=re.S | re.I)
    if not match:
        raise SpoonError(f"{statement.file} statement {statement.index}: no COPY INTO after AS")
    return match.group(1).strip()
