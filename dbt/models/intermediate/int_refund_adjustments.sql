{#- On DuckDB an incremental table, like int_order_lines: a refund's adjustments are parsed once,
    when the refund changes (on Snowflake a view, like the rest of intermediate) -#}
{{
    config(
        materialized=('incremental' if target.type == 'duckdb' else 'view'),
        unique_key=['shop', 'refund_id'],
        pre_hook="{{ delete_changed('stg_shopify__order_refunds', 'refund_id') }}",
    )
}}
-- One row per refund order adjustment: refunded shipping (kind shipping_refund, negative
-- amounts) and refund discrepancies (kind refund_discrepancy), dated by their refund.
-- the refunds to (re)compute (all, or on an incremental run the changed ones)
with refunds as (
    {{ changed_rows(
        ref('stg_shopify__order_refunds'),
        ['refund_id', 'order_id', 'refunded_at', 'order_adjustments']
    ) }}
),

adjustments as (
    select
        refunds.shop,
        refunds.refund_id,
        refunds.order_id,
        refunds.refunded_at,
        refunds._loaded_at as _source_loaded_at,
        adj.value as adjustment
    from refunds
    {{ unnest_json_array('refunds.order_adjustments', 'adj') }}
)

select
    shop,
    {{ json_bigint('adjustment', 'id') }} as adjustment_id,
    refund_id,
    order_id,
    refunded_at,
    lower({{ json_string('adjustment', 'kind') }}) as kind,
    {{ json_string('adjustment', 'reason') }} as reason,
    {{ money0(
        "coalesce(" ~ json_money('adjustment', 'amount_set.shop_money.amount')
        ~ ", " ~ json_money('adjustment', 'amount') ~ ")"
    ) }} as amount,
    {{ money0(
        "coalesce(" ~ json_money('adjustment', 'tax_amount_set.shop_money.amount')
        ~ ", " ~ json_money('adjustment', 'tax_amount') ~ ")"
    ) }} as tax_amount,
    _source_loaded_at
from adjustments
