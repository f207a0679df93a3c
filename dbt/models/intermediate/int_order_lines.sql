-- One row per order line (gift cards flagged) with its shop-money price, its discounts
-- (Shopify's allocations already spread order-level discounts over lines) and its tax.
with lines as (
    select
        orders.order_id,
        li.value as line_item
    from {{ ref('stg_shopify__orders') }} as orders
    {{ unnest_json_array('orders.line_items', 'li') }}
),

typed as (
    select
        order_id,
        {{ json_bigint('line_item', 'id') }} as order_line_id,
        {{ json_bigint('line_item', 'product_id') }} as product_id,
        {{ json_bigint('line_item', 'variant_id') }} as variant_id,
        nullif({{ json_string('line_item', 'sku') }}, '') as sku,
        {{ json_string('line_item', 'title') }} as product_title,
        nullif({{ json_string('line_item', 'variant_title') }}, '') as variant_title,
        nullif({{ json_string('line_item', 'vendor') }}, '') as vendor,
        coalesce({{ json_bigint('line_item', 'quantity') }}, 0) as quantity,
        coalesce(
            {{ json_money('line_item', 'price_set.shop_money.amount') }},
            {{ json_money('line_item', 'price') }}
        ) as price,
        coalesce({{ json_boolean('line_item', 'gift_card') }}, false) as is_gift_card,
        {{ json_value('line_item', 'discount_allocations') }} as discount_allocations,
        {{ json_value('line_item', 'tax_lines') }} as tax_lines
    from lines
),

discounts as (
    select
        typed.order_line_id,
        sum(
            coalesce(
                {{ json_money('da.value', 'amount_set.shop_money.amount') }},
                {{ json_money('da.value', 'amount') }}
            )
        ) as discounts
    from typed
    {{ unnest_json_array('typed.discount_allocations', 'da') }}
    group by typed.order_line_id
),

taxes as (
    select
        typed.order_line_id,
        sum(
            coalesce(
                {{ json_money('tl.value', 'price_set.shop_money.amount') }},
                {{ json_money('tl.value', 'price') }}
            )
        ) as tax
    from typed
    {{ unnest_json_array('typed.tax_lines', 'tl') }}
    group by typed.order_line_id
)

select
    typed.order_id,
    typed.order_line_id,
    typed.product_id,
    typed.variant_id,
    typed.sku,
    typed.product_title,
    typed.variant_title,
    typed.vendor,
    typed.quantity,
    {{ money('typed.price') }} as price,
    {{ money('typed.price * typed.quantity') }} as gross_amount,
    {{ money0('discounts.discounts') }} as discounts,
    {{ money0('taxes.tax') }} as tax,
    typed.is_gift_card
from typed
left join discounts on typed.order_line_id = discounts.order_line_id
left join taxes on typed.order_line_id = taxes.order_line_id
