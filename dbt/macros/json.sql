{#-
  Reading the raw `record` column: JSON on DuckDB, VARIANT on Snowflake.
  `path` is a dotted path of object keys, e.g. 'price_set.shop_money.amount'.
  Every reader returns NULL for a missing key or a value of the wrong shape.
-#}

{% macro json_path(path) -%}
  {{- return('$.' ~ path) -}}
{%- endmacro %}

{#- the raw JSON/VARIANT value at `path` (objects and arrays stay nested) -#}
{% macro json_value(column, path) -%}
  {{ return(adapter.dispatch('json_value', 'willows_spoon')(column, path)) }}
{%- endmacro %}

{% macro duckdb__json_value(column, path) -%}
  json_extract({{ column }}, '{{ json_path(path) }}')
{%- endmacro %}

{% macro snowflake__json_value(column, path) -%}
  {{ column }}:{{ path }}
{%- endmacro %}

{#- the value at `path` as text (a JSON string without its quotes) -#}
{% macro json_string(column, path) -%}
  {{ return(adapter.dispatch('json_string', 'willows_spoon')(column, path)) }}
{%- endmacro %}

{% macro duckdb__json_string(column, path) -%}
  json_extract_string({{ column }}, '{{ json_path(path) }}')
{%- endmacro %}

{% macro snowflake__json_string(column, path) -%}
  {{ column }}:{{ path }}::varchar
{%- endmacro %}

{#- money: Shopify sends numbers or strings; both become decimal(18,2), never a float -#}
{% macro json_money(column, path) -%}
  try_cast({{ json_string(column, path) }} as {{ money_type() }})
{%- endmacro %}

{% macro json_bigint(column, path) -%}
  try_cast({{ json_string(column, path) }} as bigint)
{%- endmacro %}

{% macro json_boolean(column, path) -%}
  try_cast({{ json_string(column, path) }} as boolean)
{%- endmacro %}

{#- an ISO-8601 timestamp with offset -> naive UTC timestamp -#}
{% macro json_timestamp(column, path) -%}
  {{ parse_timestamp_utc(json_string(column, path)) }}
{%- endmacro %}

{% macro parse_timestamp_utc(text) -%}
  {{ return(adapter.dispatch('parse_timestamp_utc', 'willows_spoon')(text)) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp_utc(text) -%}
  cast(timezone('UTC', try_cast({{ text }} as timestamptz)) as timestamp)
{%- endmacro %}

{#- TRY_TO_TIMESTAMP_TZ would do too, but TRY_CAST also runs on fakesnow -#}
{% macro snowflake__parse_timestamp_utc(text) -%}
  convert_timezone('UTC', try_cast({{ text }} as timestamp_tz))::timestamp_ntz
{%- endmacro %}

{#-
  FROM-clause fragment: one row per element of the JSON array `expr`; the element is
  `<alias>.value`. Rows whose array is NULL or empty produce nothing (an inner join).
-#}
{% macro unnest_json_array(expr, alias) -%}
  {{ return(adapter.dispatch('unnest_json_array', 'willows_spoon')(expr, alias)) }}
{%- endmacro %}

{% macro duckdb__unnest_json_array(expr, alias) -%}
  cross join unnest(json_extract({{ expr }}, '$[*]')) as {{ alias }}(value)
{%- endmacro %}

{% macro snowflake__unnest_json_array(expr, alias) -%}
  cross join lateral flatten(input => {{ expr }}) as {{ alias }}
{%- endmacro %}

{#-
  Many text fields of one JSON column, parsed once. DuckDB parses the JSON document again
  for every json_extract_string: ~30 reads of an 8 KB order record took ~6x the time and
  ~3x the memory of one parse into a list (measured at 100k orders, issue 9).
  `json_strings(column, paths)` is the parsed value: select it once, e.g. `as fields`;
  `json_string_in('fields', paths, path)` then reads one field from it, with exactly the
  text `json_string(column, path)` gives. On Snowflake the VARIANT is already parsed:
  `json_strings` is the column itself and `json_string_in` is `json_string`.
-#}
{% macro json_strings(column, paths) -%}
  {{ return(adapter.dispatch('json_strings', 'willows_spoon')(column, paths)) }}
{%- endmacro %}

{% macro duckdb__json_strings(column, paths) -%}
  json_extract_string({{ column }}, [
    {%- for path in paths %}'{{ json_path(path) }}'{{ ", " if not loop.last }}{% endfor -%}
  ])
{%- endmacro %}

{% macro snowflake__json_strings(column, paths) -%}
  {{ column }}
{%- endmacro %}

{% macro json_string_in(parsed, paths, path) -%}
  {{ return(adapter.dispatch('json_string_in', 'willows_spoon')(parsed, paths, path)) }}
{%- endmacro %}

{% macro duckdb__json_string_in(parsed, paths, path) -%}
  {{ parsed }}[{{ paths.index(path) + 1 }}]
{%- endmacro %}

{% macro snowflake__json_string_in(parsed, paths, path) -%}
  {{ snowflake__json_string(parsed, path) }}
{%- endmacro %}

{#-
  A JSON document held as TEXT in a string field, e.g. orders.current_total_duties_set, which
  source-shopify's schema types as a string, so the lake holds the object's JSON text.
  `json_text_string_in(parsed, paths, field, path)` (`parsed` and `paths` as for
  json_string_in, `field` one of the paths) is the value at `path` inside that document, as
  text; NULL when the text is not valid JSON. The object itself is accepted too (another
  writer may keep it nested): DuckDB reads an object field as its JSON text, Snowflake reads
  the path of an object and parses a string.
-#}
{% macro json_text_string_in(parsed, paths, field, path) -%}
  {{ return(adapter.dispatch('json_text_string_in', 'willows_spoon')(parsed, paths, field, path)) }}
{%- endmacro %}

{% macro duckdb__json_text_string_in(parsed, paths, field, path) -%}
  {%- set text = duckdb__json_string_in(parsed, paths, field) -%}
  json_extract_string(case when json_valid({{ text }}) then {{ text }} end, '{{ json_path(path) }}')
{%- endmacro %}

{% macro snowflake__json_text_string_in(parsed, paths, field, path) -%}
  coalesce(
    {{ parsed }}:{{ field }}:{{ path }}::varchar,
    try_parse_json({{ parsed }}:{{ field }}::varchar):{{ path }}::varchar
  )
{%- endmacro %}
