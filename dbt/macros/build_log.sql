{#-
  on-run-end: one row per `dbt build` / `dbt run` in audit.dbt_build_log, so the warehouse
  itself knows when its marts were last built and whether that build succeeded (the
  dashboard's freshness reads it; a checkout's target/run_results.json may belong to
  another warehouse). Creates the schema and table when missing; DuckDB and Snowflake SQL.
  Other commands (test, seed, docs, compile) write nothing.
-#}
{% macro spoon_build_log(results) -%}
  {%- if execute and flags.WHICH in ('build', 'run') -%}
    {%- set log = api.Relation.create(
          database=target.database,
          schema=generate_schema_name('audit', none),
          identifier='dbt_build_log') -%}
    {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'runtime error'])
                             | list -%}
    {%- set skipped = results | selectattr('status', 'equalto', 'skipped') | list -%}
    {%- set finished = modules.datetime.datetime.now(modules.pytz.utc) -%}
    {%- set fmt = '%Y-%m-%d %H:%M:%S.%f' -%}
    {%- do adapter.create_schema(log) -%}
    create table if not exists {{ log }} (
      invocation_id varchar,
      command varchar,
      target_name varchar,
      started_at timestamp,
      finished_at timestamp,
      status varchar,
      nodes integer,
      errors integer,
      skipped integer
    );
    insert into {{ log }}
      (invocation_id, command, target_name, started_at, finished_at, status, nodes, errors,
       skipped)
    values (
      '{{ invocation_id }}',
      '{{ flags.WHICH }}',
      '{{ target.name | replace("'", "''") }}',
      cast('{{ run_started_at.astimezone(modules.pytz.utc).strftime(fmt) }}' as timestamp),
      cast('{{ finished.strftime(fmt) }}' as timestamp),
      '{{ "error" if failed else "success" }}',
      {{ results | length }},
      {{ failed | length }},
      {{ skipped | length }}
    )
  {%- endif -%}
{%- endmacro %}
