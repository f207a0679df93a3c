"""dbt's cross-database macros (`dbt.dateadd`, ...) as dbt-snowflake renders them.

Only for linting with sqlfluff's jinja templater; add a function here when a model
starts using another `dbt.*` macro (sqlfluff then reports a templating error).
"""

from __future__ import annotations


def type_string() -> str:
    return "varchar"


def type_int() -> str:
    return "int"


def type_bigint() -> str:
    return "bigint"


def type_numeric() -> str:
    return "numeric(28, 6)"


def type_float() -> str:
    return "float"


def type_boolean() -> str:
    return "boolean"


def type_timestamp() -> str:
    return "timestamp_ntz"


def current_timestamp() -> str:
    return "convert_timezone('UTC', current_timestamp())::timestamp_ntz"


def dateadd(datepart: str, interval: object, from_date_or_timestamp: str) -> str:
    return f"dateadd({datepart}, {interval}, {from_date_or_timestamp})"


def datediff(first_date: str, second_date: str, datepart: str) -> str:
    return f"datediff({datepart}, {first_date}, {second_date})"


def date_trunc(datepart: str, date: str) -> str:
    return f"date_trunc({datepart}, {date})"


def last_day(date: str, datepart: str) -> str:
    return f"last_day({date}, {datepart})"


def safe_cast(field: str, type: str) -> str:  # dbt's argument name
    return f"try_cast({field} as {type})"


def concat(fields: list[str]) -> str:
    return f"concat({', '.join(fields)})"


def hash(field: str) -> str:  # dbt's macro name
    return f"md5(cast({field} as varchar))"


def cast_bool_to_text(field: str) -> str:
    return f"cast({field} as varchar)"


def split_part(string_text: str, delimiter_text: str, part_number: int) -> str:
    return f"split_part({string_text}, {delimiter_text}, {part_number})"


def listagg(
    measure: str,
    delimiter_text: str = "','",
    order_by_clause: str | None = None,
    limit_num: int | None = None,
) -> str:
    within = f" within group ({order_by_clause})" if order_by_clause else ""
    return f"listagg({measure}, {delimiter_text}){within}"


def is_incremental() -> bool:
    """Lint the incremental branch of incremental models, as sqlfluff's own builtin does."""
    return True
