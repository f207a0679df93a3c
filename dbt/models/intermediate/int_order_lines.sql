{#- On DuckDB an incremental table: the line items are unnested and parsed once, when their
    order changes, not once per build or per model or test that reads them (on Snowflake a
    view, like the rest of intermediate). Delete+insert of the orders whose latest version
    arrived since the newest `_source_loaded_at` held (delete_changed() first drops them
    all, in case an order lost its lines). -#}
{{
    config(
        materialized=('incremental' if target.type == 'duckdb' else 'view'),
        incremental_strategy='delete+insert',
        unique_key='order_id',
        on_schema_change='fail',
        pre_hook="{{ delete_changed('stg_shopify__orders', 'order_id') }}",
    )
}}
-- One row per order line (gift cards flagged) with its shop-money price, its discounts
-- (Shopify's allocations already spread order-level discounts over lines) and its tax.
{%- set paths = [
    'id', 'product_id', 'variant_id', 'sku', 'title', 'variant_title', 'vendor', 'quantity',
    'price_set.shop_money.amount', 'price', 'gift_card',
] %}
-- the orders to (re)compute (all, or on an incremental run the changed ones)
with orders as (
    {{ changed_rows(ref('stg_shopify__orders'), ['order_id', 'line_items']) }}
),

lines as (
    select
        orders.order_id,
        orders._loaded_at as _source_loaded_at,
        li.value as line_item
    from orders
    {{ unnest_json_array('orders.line_items', 'li') }}
),

line_fields as (
    select
        order_id,
        _source_loaded_at,
        line_item,
        {{ json_strings('line_item', paths) }} as fields
    from lines
),

typed as (
    select
        order_id,
        try_cast({{ json_string_in('fields', paths, 'id') }} as bigint) as order_line_id,
        try_cast({{ json_string_in('fields', paths, 'product_id') }} as bigint) as product_id,
        try_cast({{ json_string_in('fields', paths, 'variant_id') }} as bigint) as variant_id,
        nullif({{ json_string_in('fields', paths, 'sku') }}, '') as sku,
        {{ json_string_in('fields', paths, 'title') }} as product_title,
        nullif({{ json_string_in('fields', paths, 'variant_title') }}, '') as variant_title,
        nullif({{ json_string_in('fields', paths, 'vendor') }}, '') as vendor,
        coalesce(try_cast({{ json_string_in('fields', paths, 'quantity') }} as bigint), 0)
            as quantity,
        coalesce(
            try_cast({{ json_string_in('fields', paths, 'price_set.shop_money.amount') }}
                as {{ money_type() }}),
            try_cast({{ json_string_in('fields', paths, 'price') }} as {{ money_type() }})
        ) as price,
        coalesce(try_cast({{ json_string_in('fields', paths, 'gift_card') }} as boolean), false)
            as is_gift_card,
        {{ json_value('line_item', 'discount_allocations') }} as discount_allocations,
        {{ json_value('line_item', 'tax_lines') }} as tax_lines,
        _source_loaded_at
    from line_fields
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
    typed.is_gift_card,
    typed._source_loaded_at
from typed
left join discounts on typed.order_line_id = discounts.order_line_id
left join taxes on typed.order_line_id = taxes.order_line_id
