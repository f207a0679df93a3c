{#-
  dbt's is_incremental(), except under `dbt compile --no-introspect`: then the project
  compiles without any warehouse connection (e.g. the prod target in CI, offline), showing
  the full-build SQL of incremental models.
-#}
{% macro is_incremental() -%}
  {%- if flags.INTROSPECT is false -%}
    {{ return(false) }}
  {%- endif -%}
  {{ return(dbt.is_incremental()) }}
{%- endmacro %}
