{#- On DuckDB an incremental table, like int_order_lines: a refund's lines are parsed once,
    when the refund changes (on Snowflake a view, like the rest of intermediate) -#}
{{
    config(
        materialized=('incremental' if target.type == 'duckdb' else 'view'),
        unique_key=['shop', 'refund_id'],
        pre_hook="{{ delete_changed('stg_shopify__order_refunds', 'refund_id') }}",
    )
}}
-- One row per refunded line item: its value (subtotal: after the line's discounts,
-- before tax), refunded tax and quantity, dated by its refund.
-- the refunds to (re)compute (all, or on an incremental run the changed ones)
with refunds as (
    {{ changed_rows(
        ref('stg_shopify__order_refunds'),
        ['refund_id', 'order_id', 'refunded_at', 'refund_line_items']
    ) }}
),

refund_lines as (
    select
        refunds.shop,
        refunds.refund_id,
        refunds.order_id,
        refunds.refunded_at,
        refunds._loaded_at as _source_loaded_at,
        rli.value as refund_line_item
    from refunds
    {{ unnest_json_array('refunds.refund_line_items', 'rli') }}
)

select
    shop,
    {{ json_bigint('refund_line_item', 'id') }} as refund_line_id,
    refund_id,
    order_id,
    refunded_at,
    {{ json_bigint('refund_line_item', 'line_item_id') }} as order_line_id,
    coalesce({{ json_bigint('refund_line_item', 'quantity') }}, 0) as quantity,
    {{ money0(
        "coalesce(" ~ json_money('refund_line_item', 'subtotal_set.shop_money.amount')
        ~ ", " ~ json_money('refund_line_item', 'subtotal') ~ ")"
    ) }} as subtotal,
    {{ money0(
        "coalesce(" ~ json_money('refund_line_item', 'total_tax_set.shop_money.amount')
        ~ ", " ~ json_money('refund_line_item', 'total_tax') ~ ")"
    ) }} as tax,
    coalesce({{ json_boolean('refund_line_item', 'line_item.gift_card') }}, false)
        as is_gift_card,
    _source_loaded_at
from refund_lines
