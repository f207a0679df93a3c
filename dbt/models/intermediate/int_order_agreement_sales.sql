{#- On DuckDB an incremental table, like int_order_lines: an order's ledger is unnested once,
    when it changes (on Snowflake a view, like the rest of intermediate) -#}
{{
    config(
        materialized=('incremental' if target.type == 'duckdb' else 'view'),
        unique_key=['shop', 'order_id'],
        pre_hook="{{ delete_changed('stg_shopify__order_agreements', 'order_id') }}",
    )
}}
-- One row per sale of Shopify's own ledger (order_agreements): what Shopify itself booked
-- for each line and action (ORDER, RETURN, UPDATE) of each agreement, signed as Shopify
-- signs it (a return is negative), shop money. Only rpt_order_reconciliation reads it: the
-- marts' figures come from the orders and refunds, this is the independent check.
-- the orders to (re)compute (all, or on an incremental run the changed ones)
with ledgers as (
    {{ changed_rows(ref('stg_shopify__order_agreements'), ['order_id', 'agreements']) }}
),

agreements as (
    select
        ledgers.shop,
        ledgers.order_id,
        ledgers._loaded_at as _source_loaded_at,
        ag.value as agreement
    from ledgers
    {{ unnest_json_array('ledgers.agreements', 'ag') }}
),

sales as (
    select
        agreements.shop,
        agreements.order_id,
        {{ json_bigint('agreements.agreement', 'id') }} as agreement_id,
        {{ json_string('agreements.agreement', '__typename') }} as agreement_type,
        upper({{ json_string('agreements.agreement', 'reason') }}) as reason,
        {{ json_timestamp('agreements.agreement', 'happened_at') }} as happened_at,
        agreements._source_loaded_at,
        sale.value as sale
    from agreements
    {{ unnest_json_array(json_value('agreements.agreement', 'sales'), 'sale') }}
)

select
    shop,
    {{ json_bigint('sale', 'id') }} as sale_id,
    order_id,
    agreement_id,
    agreement_type,
    reason,
    happened_at,
    {{ json_string('sale', '__typename') }} as sale_type,
    upper({{ json_string('sale', 'action_type') }}) as action_type,
    upper({{ json_string('sale', 'line_type') }}) as line_type,
    {{ json_bigint('sale', 'quantity') }} as quantity,
    {{ json_bigint('sale', 'line_item.id') }} as order_line_id,
    {{ money0(json_money('sale', 'total_amount.shop_money.amount')) }} as total_amount,
    {{ money0(json_money('sale', 'total_tax_amount.shop_money.amount')) }} as tax_amount,
    {{ money0(json_money('sale', 'total_discount_amount_before_taxes.shop_money.amount')) }}
        as discount_before_taxes,
    {{ money0(json_money('sale', 'total_discount_amount_after_taxes.shop_money.amount')) }}
        as discount_after_taxes,
    {{ json_string('sale', 'total_amount.shop_money.currency_code') }} as currency,
    _source_loaded_at
from sales
