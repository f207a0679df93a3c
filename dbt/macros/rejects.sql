{#-
  Rejected records (DESIGN.md contract 4, issue 17). A raw record that cannot be typed is
  never dropped or zeroed silently: audit.rejected_records holds one row per failed check,
  and staging reads every raw row except those (`not_rejected(stream)`).

  `reject_specs()`: stream -> [(field, kind)]. `field` is a dotted JSON path; `array[].path`
  checks `path` in every element of the array `array`, and arrays nest
  (`line_items[].tax_lines[].rate`: every tax line of every line item). Kinds:
    id        required integer (the record's own id): 'missing' or 'not an integer: <text>'
    quantity  required integer
    money     optional decimal: 'not a decimal: <text>' (money stays decimal(18, 2))
    rate      optional decimal: 'not a decimal: <text>' (a tax rate, decimal(12, 6))
    timestamp optional ISO-8601 timestamp: 'not a timestamp: <text>'
    currency  optional; must be the shop record's currency
  An empty string is no value. Only the fields staging and intermediate type are checked.

  Besides these checks, a raw row whose value of one of these fields the lake writer nulled
  is a reject: a value that did not fit its declared type was written as null (Airbyte's
  destinations do the same) and reported in the row's `_airbyte_meta.changes` ({field:
  'line_items[0].quantity', change: 'NULLED', reason}); one reject per such change, reason
  'nulled by the writer: <field> (<reason>)'. A null there would otherwise pass as "no
  value" and be summed as 0. A nulled field that staging does not type is no reject.
-#}
{% macro reject_specs() -%}
  {%- set ts = 'timestamp' -%}
  {{ return({
    'orders': [
      ('id', 'id'), ('created_at', ts), ('processed_at', ts), ('updated_at', ts),
      ('cancelled_at', ts), ('closed_at', ts), ('deleted_at', ts),
      ('subtotal_price_set.shop_money.amount', 'money'),
      ('total_discounts_set.shop_money.amount', 'money'),
      ('total_tax_set.shop_money.amount', 'money'),
      ('total_shipping_price_set.shop_money.amount', 'money'),
      ('total_price_set.shop_money.amount', 'money'),
      ('total_price_set.shop_money.currency_code', 'currency'),
      ('line_items[].price_set.shop_money.amount', 'money'),
      ('line_items[].price', 'money'),
      ('line_items[].quantity', 'quantity'),
      ('line_items[].discount_allocations[].amount_set.shop_money.amount', 'money'),
      ('line_items[].discount_allocations[].amount', 'money'),
      ('line_items[].tax_lines[].price_set.shop_money.amount', 'money'),
      ('line_items[].tax_lines[].price', 'money'),
      ('line_items[].tax_lines[].rate', 'rate'),
      ('line_items[].duties[].shop_money.amount', 'money'),
      ('line_items[].duties[].price_set.shop_money.amount', 'money'),
      ('shipping_lines[].price_set.shop_money.amount', 'money'),
      ('shipping_lines[].price', 'money'),
      ('shipping_lines[].discount_allocations[].amount_set.shop_money.amount', 'money'),
      ('shipping_lines[].discount_allocations[].amount', 'money'),
      ('shipping_lines[].tax_lines[].price_set.shop_money.amount', 'money'),
      ('shipping_lines[].tax_lines[].price', 'money'),
    ],
    'order_refunds': [
      ('id', 'id'), ('created_at', ts), ('processed_at', ts),
      ('total_duties_set.shop_money.amount', 'money'),
      ('refund_line_items[].quantity', 'quantity'),
      ('refund_line_items[].subtotal_set.shop_money.amount', 'money'),
      ('refund_line_items[].subtotal', 'money'),
      ('refund_line_items[].total_tax_set.shop_money.amount', 'money'),
      ('refund_line_items[].total_tax', 'money'),
      ('order_adjustments[].amount_set.shop_money.amount', 'money'),
      ('order_adjustments[].amount', 'money'),
      ('order_adjustments[].tax_amount_set.shop_money.amount', 'money'),
      ('order_adjustments[].tax_amount', 'money'),
    ],
    'transactions': [
      ('id', 'id'), ('amount_set.shop_money.amount', 'money'), ('amount', 'money'),
      ('created_at', ts), ('processed_at', ts),
    ],
    'customers': [('id', 'id'), ('created_at', ts), ('updated_at', ts)],
    'products': [('id', 'id'), ('updated_at', ts)],
    'product_variants': [('id', 'id'), ('updated_at', ts)],
    'locations': [('id', 'id')],
    'order_agreements': [('id', 'id')],
    'shop': [('id', 'id'), ('updated_at', ts)],
  }) }}
{%- endmacro %}

{#- SQL text: why `text` fails a check of `kind`, or NULL when it passes -#}
{% macro reject_reason(kind, text, shop_currency='null') -%}
  {%- set v = 'nullif(' ~ text ~ ", '')" -%}
  {%- if kind in ('id', 'quantity') -%}
    case
      when {{ v }} is null then 'missing'
      when try_cast({{ v }} as bigint) is null
        or cast(try_cast({{ v }} as bigint) as {{ dbt.type_string() }}) <> {{ v }}
        then 'not an integer: ' || left({{ v }}, 60)
    end
  {%- elif kind in ('money', 'rate') -%}
    {%- set type = money_type() if kind == 'money' else 'decimal(12, 6)' -%}
    case
      when {{ v }} is not null and try_cast({{ v }} as {{ type }}) is null
        then 'not a decimal: ' || left({{ v }}, 60)
    end
  {%- elif kind == 'timestamp' -%}
    case
      when {{ v }} is not null and {{ parse_timestamp_utc(v) }} is null
        then 'not a timestamp: ' || left({{ v }}, 60)
    end
  {%- elif kind == 'currency' -%}
    case
      when {{ v }} <> {{ shop_currency }}
        then 'currency ' || left({{ v }}, 10) || ' is not the shop''s ' || {{ shop_currency }}
    end
  {%- else -%}
    {{ exceptions.raise_compiler_error('reject_specs: unknown kind ' ~ kind) }}
  {%- endif -%}
{%- endmacro %}

{#- WHERE condition: the raw row (its `_airbyte_raw_id`) is not in audit.rejected_records
    (a NULL there would make NOT IN exclude every row) -#}
{% macro not_rejected(stream) -%}
  _airbyte_raw_id not in (
    select rejected._airbyte_raw_id
    from {{ ref('audit_rejected_records') }} as rejected
    where rejected.stream = '{{ stream }}' and rejected._airbyte_raw_id is not null
  )
{%- endmacro %}

{#- `as materialized` for a CTE read several times: DuckDB would inline it once per read -#}
{% macro materialized_cte() -%}
  {{ return(adapter.dispatch('materialized_cte', 'willows_spoon')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}{%- endmacro %}

{% macro duckdb__materialized_cte() -%}materialized{%- endmacro %}

{#- The JSON array `_airbyte_meta.changes` of a raw record (the Airbyte columns are part of
    the whole row `record` holds), or NULL. `_airbyte_meta` is an object (Parquet's struct),
    or its JSON text where a writer keeps it as a string. -#}
{% macro airbyte_meta_changes(column) -%}
  {{ return(adapter.dispatch('airbyte_meta_changes', 'willows_spoon')(column)) }}
{%- endmacro %}

{% macro duckdb__airbyte_meta_changes(column) -%}
  {%- set text = duckdb__json_string(column, '_airbyte_meta') -%}
  coalesce(
    {{ duckdb__json_value(column, '_airbyte_meta.changes') }},
    json_extract(case when json_valid({{ text }}) then {{ text }} end, '$.changes')
  )
{%- endmacro %}

{% macro snowflake__airbyte_meta_changes(column) -%}
  coalesce(
    {{ column }}:_airbyte_meta:changes,
    try_parse_json({{ column }}:_airbyte_meta::varchar):changes
  )
{%- endmacro %}

{#- A writer's field path without its array indexes: line_items[0].tax_lines[1].rate ->
    line_items[].tax_lines[].rate (the form of reject_specs). -#}
{% macro without_array_indexes(path) -%}
  {{ return(adapter.dispatch('without_array_indexes', 'willows_spoon')(path)) }}
{%- endmacro %}

{% macro duckdb__without_array_indexes(path) -%}
  regexp_replace({{ path }}, '\[[0-9]+\]', '[]', 'g')
{%- endmacro %}

{% macro snowflake__without_array_indexes(path) -%}
  regexp_replace({{ path }}, '\\[[0-9]+\\]', '[]')
{%- endmacro %}
