{#-
  A stable surrogate key: md5 of the values' text joined by '|', NULL spelled '_null_'.
  The same inputs give the same key on DuckDB and Snowflake.
-#}
{% macro surrogate_key(values) -%}
  {{ return(adapter.dispatch('surrogate_key', 'willows_spoon')(values)) }}
{%- endmacro %}

{% macro default__surrogate_key(values) -%}
  md5(
    {%- for v in values %}
    coalesce(cast({{ v }} as {{ dbt.type_string() }}), '_null_'){{ " || '|' ||" if not loop.last }}
    {%- endfor %}
  )
{%- endmacro %}

{#- QUALIFY clause keeping the latest version of each record of each shop (append-only
    streams; ids are unique only within a shop) -#}
{% macro keep_latest(key, updated_at='updated_at') -%}
  qualify row_number() over (
    partition by shop, {{ key }}
    order by
      {{ updated_at }} desc nulls last,
      _airbyte_extracted_at desc nulls last,
      _loaded_at desc nulls last,
      _airbyte_raw_id desc nulls last
  ) = 1
{%- endmacro %}
