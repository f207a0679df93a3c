{#- A naive UTC timestamp -> the naive local time in the IANA zone `tz` (a column or literal) -#}
{% macro to_local_time(ts_utc, tz) -%}
  {{ return(adapter.dispatch('to_local_time', 'willows_spoon')(ts_utc, tz)) }}
{%- endmacro %}

{% macro duckdb__to_local_time(ts_utc, tz) -%}
  cast(timezone({{ tz }}, timezone('UTC', {{ ts_utc }})) as timestamp)
{%- endmacro %}

{% macro snowflake__to_local_time(ts_utc, tz) -%}
  convert_timezone('UTC', {{ tz }}, {{ ts_utc }})::timestamp_ntz
{%- endmacro %}

{#- ... and its local calendar date -#}
{% macro to_local_date(ts_utc, tz) -%}
  cast({{ to_local_time(ts_utc, tz) }} as date)
{%- endmacro %}

{#- the IANA zone `tz` is one the warehouse knows (Snowflake: any name; it has no list) -#}
{% macro is_known_time_zone(tz) -%}
  {{ return(adapter.dispatch('is_known_time_zone', 'willows_spoon')(tz)) }}
{%- endmacro %}

{% macro duckdb__is_known_time_zone(tz) -%}
  ({{ tz }} in (select name from pg_timezone_names()))
{%- endmacro %}

{% macro default__is_known_time_zone(tz) -%}
  ({{ tz }} is not null)
{%- endmacro %}
