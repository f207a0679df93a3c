{#-
  Incremental facts (fct_sales, fct_orders) recompute whole orders. `affected_orders_ctes`
  renders CTEs ending in `affected_orders(shop, order_id)`: every order whose rows may differ
  from what `this` holds, given the raw rows loaded since the watermark (the newest
  `_source_loaded_at` in `this`, minus lookback_hours()):

  1. orders any version of which (the latest, or a late older one: it can change which
     lines an order edit added) or any of whose refunds arrived since the watermark;
  2. orders touched by a customer record that arrived since the watermark (same customer
     id, same normalised e-mail, or keyed to that customer before);
  3. every order, old or new, of any customer key held by an order in 1 or 2 before or
     after: a guest order that now maps to a customer moves between keys, and both keys'
     customer_order_seq change.

  Everything is per shop: ids, e-mails and customer keys only match within one shop.
  The model deletes and re-inserts these orders (delete+insert on shop and order_id); a
  post-hook removes orders that became test or deleted. The result equals a full refresh.
-#}
{#-
  The head of the incremental facts (fct_sales, fct_orders), written once: a model opens
  with `with {{ incremental_by_order() }}` and goes on with its own CTEs. It configures the
  model (incremental, delete+insert on shop and order_id, the post-hook
  delete_excluded_orders(); fakesnow cannot create Snowflake's session temporary tables:
  it gets transient ones, whichever target points at it, `fakesnow` or `prod` with the
  account `fakesnow` as the production DAG test runs it) and, on an incremental run,
  renders affected_orders_ctes() and a comma. dbt learns a model's parents from the refs rendered when it parses the model, a
  full build: the refs of affected_orders_ctes() are rendered here too, as `-- depends_on:`
  comments (dbt's idiom), so the staging models it reads stay parents and the compiled SQL
  names where each of them is read from.
-#}
{% macro incremental_by_order() -%}
  {{- config(
      materialized='incremental',
      unique_key=['shop', 'order_id'],
      tmp_relation_type=('transient' if target.account == 'fakesnow' else none),
      post_hook="{{ delete_excluded_orders() }}",
  ) -}}
  {%- for parent in ['stg_shopify__orders', 'stg_shopify__order_versions',
                     'stg_shopify__order_refunds', 'stg_shopify__customers'] %}
-- depends_on: {{ ref(parent) }}
  {%- endfor -%}
  {%- if is_incremental() %}
{{ affected_orders_ctes() }},
  {%- endif %}
{%- endmacro %}

{% macro affected_orders_ctes() -%}
watermark as (
    select since_at from {{ loaded_since('_source_loaded_at') }} as since
),

changed_orders as (
    select shop, order_id
    from {{ ref('stg_shopify__order_versions') }}
    where _loaded_at > (select since_at from watermark)
    union
    select shop, order_id
    from {{ ref('stg_shopify__order_refunds') }}
    where _loaded_at > (select since_at from watermark)
),

changed_customers as (
    select
        shop,
        customer_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_key,
        email
    from {{ ref('stg_shopify__customers') }}
    where _loaded_at > (select since_at from watermark)
),

new_keys as (
    select identity.shop, identity.order_id, identity.customer_key, orders.email
    from {{ ref('int_customer_identity') }} as identity
    inner join {{ ref('int_orders') }} as orders
        on identity.shop = orders.shop and identity.order_id = orders.order_id
),

old_keys as (
    select distinct shop, order_id, customer_id as customer_key
    from {{ this }}
),

directly_affected as (
    select shop, order_id from changed_orders
    union
    select new_keys.shop, new_keys.order_id
    from new_keys
    inner join changed_customers
        on new_keys.shop = changed_customers.shop and new_keys.email = changed_customers.email
    union
    select new_keys.shop, new_keys.order_id
    from new_keys
    inner join changed_customers
        on new_keys.shop = changed_customers.shop
        and new_keys.customer_key = changed_customers.customer_key
    union
    select old_keys.shop, old_keys.order_id
    from old_keys
    inner join changed_customers
        on old_keys.shop = changed_customers.shop
        and old_keys.customer_key = changed_customers.customer_key
),

touched_keys as (
    select new_keys.shop, new_keys.customer_key
    from new_keys
    inner join directly_affected
        on new_keys.shop = directly_affected.shop
        and new_keys.order_id = directly_affected.order_id
    union
    select old_keys.shop, old_keys.customer_key
    from old_keys
    inner join directly_affected
        on old_keys.shop = directly_affected.shop
        and old_keys.order_id = directly_affected.order_id
),

affected_orders as (
    select shop, order_id from directly_affected
    union
    select new_keys.shop, new_keys.order_id
    from new_keys
    inner join touched_keys
        on new_keys.shop = touched_keys.shop and new_keys.customer_key = touched_keys.customer_key
    union
    select old_keys.shop, old_keys.order_id
    from old_keys
    inner join touched_keys
        on old_keys.shop = touched_keys.shop and old_keys.customer_key = touched_keys.customer_key
)
{%- endmacro %}

{#- post-hook: drop the rows of orders that are now test or deleted (no-op on a full build) -#}
{% macro delete_excluded_orders() -%}
    delete from {{ this }}
    where (shop, order_id) in (
        select shop, order_id from {{ ref('int_orders') }} where is_excluded
    )
{%- endmacro %}

{#-
  How far back an incremental model re-reads rows loaded before the newest it holds.
  var('incremental_lookback_hours') when set; else 0 on DuckDB, where the loader is the only
  writer, holds the warehouse's lock while it loads (dbt cannot run meanwhile) and stamps
  every load later than the one before (src/spoon/load/loader.py), so nothing arrives late;
  and 72 hours on Snowflake, where a Snowpipe COPY stamped before a build can commit after it.
-#}
{% macro lookback_hours() -%}
  {%- set hours = var('incremental_lookback_hours', '') -%}
  {%- if hours is none or hours | string | trim == '' -%}
    {{ return(0 if target.type == 'duckdb' else 72) }}
  {%- endif -%}
  {{ return(hours | int) }}
{%- endmacro %}

{#-
  A one-row subquery `(select since_at from this)`: the newest `column` that `this` holds,
  minus lookback_hours() (1900-01-01 when `this` is empty). Rows loaded after it are new.
-#}
{% macro loaded_since(column='_loaded_at') -%}
(
    select
        {{ dbt.dateadd(
            'hour',
            -1 * lookback_hours(),
            "coalesce(max(" ~ column ~ "), cast('1900-01-01 00:00:00' as timestamp))"
        ) }} as since_at
    from {{ this }}
)
{%- endmacro %}

{#- `_loaded_at` of the row is after the watermark of `this` kept in `column` -#}
{% macro loaded_after(column) -%}
    _loaded_at > (select since_at from {{ loaded_since(column) }} as since)
{%- endmacro %}

{#-
  Incremental staging on DuckDB (on Snowflake staging is views and these render nothing).
  `where_new_raw_rows(stream)` closes the source CTE: only raw rows loaded since the watermark
  and not rejected (audit.rejected_records, macros/rejects.sql).
  `latest_candidates(cte, key)` is the new records of `cte` plus the row `this` already
  holds for each of their (shop, key); keep_latest over it picks the same version a full build
  would (its ordering columns are all kept in staging), and delete+insert on `key`
  replaces the old row.
-#}
{% macro where_new_raw_rows(stream) -%}
    where {{ not_rejected(stream) }}
  {%- if is_incremental() %}
    and {{ loaded_after('_loaded_at') }}
  {%- endif %}
{%- endmacro %}

{% macro latest_candidates(cte, key) -%}
    select * from {{ cte }}
    {%- if is_incremental() %}
    union all
    select * from {{ this }}
    where (shop, {{ key }}) in (select shop, {{ key }} from {{ cte }})
    {%- endif %}
{%- endmacro %}

{#-
  The incremental per-record intermediate models on DuckDB (int_order_lines,
  int_order_shipping, int_refund_lines, int_refund_adjustments) start from
  `changed_rows(relation, columns)`: the staging rows to (re)compute with their shop,
  `columns` and their `_loaded_at`; all of them, or on an incremental run those loaded after the newest
  `_source_loaded_at` the model holds. It is a CTE of its own so the filter comes before
  the JSON unnest that follows (DuckDB does not push a filter through an unnest).
-#}
{% macro changed_rows(relation, columns) -%}
    select shop, {{ columns | join(', ') }}, _loaded_at
    from {{ relation }}
    {%- if is_incremental() %}
    where {{ loaded_after('_source_loaded_at') }}
    {%- endif %}
{%- endmacro %}

{#-
  pre-hook of the incremental per-record intermediate models on DuckDB (int_order_lines,
  int_order_shipping by order; int_refund_lines, int_refund_adjustments by refund): drop
  the rows of every (shop, `key`) whose staging row (`parent`) changed since the watermark, so a
  record that lost a line keeps none of the old ones (delete+insert alone only replaces
  the keys that still have rows).
-#}
{% macro delete_changed(parent, key) -%}
  {%- if is_incremental() -%}
    delete from {{ this }}
    where (shop, {{ key }}) in (
        select shop, {{ key }} from {{ ref(parent) }}
        where {{ loaded_after('_source_loaded_at') }}
    )
  {%- endif -%}
{%- endmacro %}
