{#-
  Custom schemas (staging, intermediate, marts) are used as-is on dev and prod: dev writes
  its own DuckDB file or Snowflake database, so it never touches prod. On `ci` they are
  prefixed with the target schema (e.g. pr_123_marts) so parallel runs do not collide.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}
    {{ target.schema | trim }}
  {%- elif target.name == 'ci' -%}
    {{ target.schema | trim }}_{{ custom_schema_name | trim }}
  {%- else -%}
    {{ custom_schema_name | trim }}
  {%- endif -%}
{%- endmacro %}
