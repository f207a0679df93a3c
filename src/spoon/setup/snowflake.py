"""`spoon bootstrap snowflake`: plan or apply the SQL files in order, then tell the AWS side.

Every statement is idempotent (IF NOT EXISTS, ALTER ... SET to the same values, GRANT), so
applying twice changes nothing and a run that stopped half-way is finished by re-running it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spoon import names as nm
from spoon.errors import SpoonError, first_line
from spoon.settings import Settings
from spoon.setup.sqlfiles import Statement


@dataclass
class ApplyReport:
    executed: list[tuple[Statement, str]] = field(default_factory=list)  # (statement, status)
    skipped: list[Statement] = field(default_factory=list)


def apply(
    conn: Any,
    statements: Sequence[Statement],
    *,
    skip: Callable[[Statement], bool] | None = None,
    on_statement: Callable[[Statement, str], None] | None = None,
) -> ApplyReport:
    """Run the statements in order; stop at the first failure with a one-line error.

    `skip` names statements not to run (the tests' declared list of what fakesnow cannot
    execute); nothing else is ever skipped, and no error is swallowed.
    """
    report = ApplyReport()
    cur = conn.cursor()
    try:
        for st in statements:
            if skip is not None and skip(st):
                report.skipped.append(st)
                if on_statement:
                    on_statement(st, "skipped")
                continue
            try:
                cur.execute(st.sql)
                row = cur.fetchone() if cur.description else None
            except Exception as err:
                raise SpoonError(
                    f"{st.file} statement {st.index} ({st.kind}) failed: {first_line(err)}; "
                    "fix it and re-run (every statement is idempotent)"
                ) from None
            status = str(row[0]) if row else "done"
            report.executed.append((st, status))
            if on_statement:
                on_statement(st, status)
    finally:
        cur.close()
    return report


# ---- what the AWS side needs --------------------------------------------------------------
@dataclass(frozen=True)
class AwsNeeds:
    iam_user_arn: str
    external_id: str
    channels: dict[str, str]  # pipe -> notification channel (SQS ARN)

    @property
    def queue_arns(self) -> list[str]:
        return sorted(set(self.channels.values()))

    def env_lines(self) -> list[str]:
        lines = [
            f"SPOON_SNOWFLAKE_IAM_USER_ARN={self.iam_user_arn}",
            f"SPOON_SNOWFLAKE_EXTERNAL_ID={self.external_id}",
        ]
        queues = self.queue_arns
        if len(queues) == 1:
            lines.append(f"SPOON_SNOWPIPE_QUEUE_ARN={queues[0]}")
        return lines


def _rows_as_dicts(cur: Any) -> list[dict[str, Any]]:
    cols = [str(d[0]).lower() for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def aws_needs(conn: Any, settings: Settings) -> AwsNeeds:
    """Read the integration's IAM user and external id, and each pipe's notification queue."""
    names = nm.snowflake_names(settings)
    cur = conn.cursor()
    try:
        cur.execute("USE ROLE ACCOUNTADMIN")
        cur.execute(f"DESC INTEGRATION {names.integration}")
        props = {str(r["property"]).upper(): str(r["property_value"]) for r in _rows_as_dicts(cur)}
        cur.execute("USE ROLE SYSADMIN")
        cur.execute(f"SHOW PIPES IN SCHEMA {names.raw_db}.{names.raw_schema}")
        pipes = {
            str(r["name"]).upper(): str(r.get("notification_channel") or "")
            for r in _rows_as_dicts(cur)
        }
    finally:
        cur.close()
    try:
        arn, ext = props["STORAGE_AWS_IAM_USER_ARN"], props["STORAGE_AWS_EXTERNAL_ID"]
    except KeyError as missing:
        raise SpoonError(
            f"DESC INTEGRATION {names.integration} has no {missing}; re-run the bootstrap"
        ) from None
    wanted = {p["name"] for p in names.pipes()}
    absent = sorted(wanted - set(pipes))
    if absent:
        raise SpoonError(f"pipes missing in {names.raw_db}.RAW: {', '.join(absent)}; re-run")
    return AwsNeeds(arn, ext, {p: pipes[p] for p in sorted(wanted)})


def aws_needs_text(needs: AwsNeeds) -> list[str]:
    out = [
        "The AWS side needs (put these in .env, then run `spoon bootstrap aws`):",
        *[f"  {line}" for line in needs.env_lines()],
        "Each pipe's notification channel:",
        *[f"  {pipe}: {chan}" for pipe, chan in needs.channels.items()],
    ]
    if len(needs.queue_arns) > 1:
        out.append("  (pipes use different queues: notify each queue for its stream's prefix)")
    return out


def plan_text(statements: Iterable[Statement]) -> list[str]:
    """Every statement, by file, as `plan` shows them."""
    out: list[str] = []
    current = ""
    for st in statements:
        if st.file != current:
            current = st.file
            out.append(f"-- ===== {st.file} " + "=" * max(0, 70 - len(st.file)))
        out.append(st.sql if st.sql.rstrip().endswith(";") else st.sql + ";")
    return out


def doctor_check(settings: Settings) -> str:
    """Connect as the load step does and name the role and warehouse in use."""
    from spoon.setup.connection import connect_loader

    names = nm.snowflake_names(settings)
    conn = connect_loader(settings)
    try:
        cur = conn.cursor()
        cur.execute("SELECT CURRENT_USER(), CURRENT_ROLE()")
        user, role = cur.fetchone()
    finally:
        conn.close()
    return f"{settings.snowflake_account}: {user} (key pair) with role {role}, {names.loading_wh}"
