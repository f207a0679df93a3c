-- One row per refunded line item: its value (subtotal: after the line's discounts,
-- before tax), refunded tax and quantity, dated by its refund.
with refund_lines as (
    select
        refunds.refund_id,
        refunds.order_id,
        refunds.refunded_at,
        rli.value as refund_line_item
    from {{ ref('stg_shopify__order_refunds') }} as refunds
    {{ unnest_json_array('refunds.refund_line_items', 'rli') }}
)

select
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
        as is_gift_card
from refund_lines
