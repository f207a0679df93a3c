-- One row per refund order adjustment: refunded shipping (kind shipping_refund, negative
-- amounts) and refund discrepancies (kind refund_discrepancy), dated by their refund.
with adjustments as (
    select
        refunds.refund_id,
        refunds.order_id,
        refunds.refunded_at,
        adj.value as adjustment
    from {{ ref('stg_shopify__order_refunds') }} as refunds
    {{ unnest_json_array('refunds.order_adjustments', 'adj') }}
)

select
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
    ) }} as tax_amount
from adjustments
