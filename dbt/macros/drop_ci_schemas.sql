{#-
  Drop every schema a pull request's slim CI run created: `<prefix>` and `<prefix>_*`
  (generate_schema_name names them so on the `ci` target, e.g. pr_123_marts).
  Run by .github/workflows/ci.yml when the pull request closes:
    dbt run-operation drop_ci_schemas --args '{prefix: pr_123}' --target ci
  Refuses to run on any target but `ci`, and any prefix but pr_<number>.
-#}
{% macro drop_ci_schemas(prefix) %}
  {%- if target.name != 'ci' -%}
    {{ exceptions.raise_compiler_error(
        "drop_ci_schemas only runs on the ci target (this is '" ~ target.name ~ "')") }}
  {%- endif -%}
  {%- set prefix = (prefix | string | trim | lower) -%}
  {%- if not modules.re.match('^pr_[0-9]+$', prefix) -%}
    {{ exceptions.raise_compiler_error(
        "drop_ci_schemas: prefix must look like pr_<number>, got '" ~ prefix ~ "'") }}
  {%- endif -%}
  {%- set dropped = [] -%}
  {%- set result = list_schemas(target.database) if execute else none -%}
  {#- Snowflake's SHOW SCHEMAS names the column `name`, information_schema `schema_name` -#}
  {%- set column = 'name' if result and 'name' in result.column_names else 'schema_name' -%}
  {%- for schema in (result.columns[column].values() if result else []) | sort -%}
    {%- set name = schema | lower -%}
    {%- if name == prefix or name.startswith(prefix ~ '_') -%}
      {%- do adapter.drop_schema(api.Relation.create(database=target.database, schema=schema)) -%}
      {%- do dropped.append(schema) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if execute -%}
    {{ log("drop_ci_schemas: dropped " ~ (dropped | length) ~ " schema(s) in "
           ~ target.database ~ (": " ~ (dropped | join(", ")) if dropped else ""), info=True) }}
  {%- endif -%}
{% endmacro %}
