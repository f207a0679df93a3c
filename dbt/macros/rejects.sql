{#-
  Rejected records (DESIGN.md contract 4, issue 17). A raw record that cannot be typed is
  never dropped or zeroed silently: audit.rejected_records holds one row per failed check,
  and staging reads every raw row except those (`not_rejected(stream)`).

  `reject_specs()`: stream -> [(field, kind)]. `field` is a dotted JSON path; `array[].path`
  checks `path` in every element of the array `array`. Kinds:
    id        required integer (the record's own id): 'missing' or 'not an integer: <text>'
    quantity  required integer
    money     optional decimal: 'not a decimal: <text>' (money stays decimal(18, 2))
    timestamp optional ISO-8601 timestamp: 'not a timestamp: <text>'
    currency  optional; must be the shop record's currency
  An empty string is no value. Only the fields staging types are checked.
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
    ],
    'order_refunds': [('id', 'id'), ('created_at', ts), ('processed_at', ts)],
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
  {%- elif kind == 'money' -%}
    case
      when {{ v }} is not null and try_cast({{ v }} as {{ money_type() }}) is null
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
