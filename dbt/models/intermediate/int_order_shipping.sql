{#- On DuckDB an incremental table: the shipping lines are unnested and parsed once, when their
    order changes, not once per build or per model or test that reads them (on Snowflake a
    view, like the rest of intermediate). Delete+insert of the orders whose latest version
    arrived since the newest `_source_loaded_at` held (delete_changed() first drops them
    all, in case an order lost its lines). -#}
{{
    config(
        materialized=('incremental' if target.type == 'duckdb' else 'view'),
        unique_key=['shop', 'order_id'],
        pre_hook="{{ delete_changed('stg_shopify__orders', 'order_id') }}",
    )
}}
-- One row per order with shipping lines: shipping charged, its discounts and its tax.
-- the orders to (re)compute (all, or on an incremental run the changed ones)
with orders as (
    {{ changed_rows(ref('stg_shopify__orders'), ['order_id', 'shipping_lines']) }}
),

shipping_lines as (
    select
        orders.shop,
        orders.order_id,
        orders._loaded_at as _source_loaded_at,
        sl.value as shipping_line
    from orders
    {{ unnest_json_array('orders.shipping_lines', 'sl') }}
),

typed as (
    select
        shop,
        order_id,
        {{ json_bigint('shipping_line', 'id') }} as shipping_line_id,
        coalesce(
            {{ json_money('shipping_line', 'price_set.shop_money.amount') }},
            {{ json_money('shipping_line', 'price') }}
        ) as price,
        {{ json_value('shipping_line', 'discount_allocations') }} as discount_allocations,
        {{ json_value('shipping_line', 'tax_lines') }} as tax_lines,
        _source_loaded_at
    from shipping_lines
),

discounts as (
    select
        typed.shop,
        typed.order_id,
        typed.shipping_line_id,
        sum(
            coalesce(
                {{ json_money('da.value', 'amount_set.shop_money.amount') }},
                {{ json_money('da.value', 'amount') }}
            )
        ) as discounts
    from typed
    {{ unnest_json_array('typed.discount_allocations', 'da') }}
    group by typed.shop, typed.order_id, typed.shipping_line_id
),

taxes as (
    select
        typed.shop,
        typed.order_id,
        typed.shipping_line_id,
        sum(
            coalesce(
                {{ json_money('tl.value', 'price_set.shop_money.amount') }},
                {{ json_money('tl.value', 'price') }}
            )
        ) as tax
    from typed
    {{ unnest_json_array('typed.tax_lines', 'tl') }}
    group by typed.shop, typed.order_id, typed.shipping_line_id
),

per_line as (
    select
        typed.shop,
        typed.order_id,
        coalesce(typed.price, 0) as charged,
        coalesce(discounts.discounts, 0) as discounts,
        coalesce(taxes.tax, 0) as tax,
        typed._source_loaded_at
    from typed
    left join discounts
        on typed.shop = discounts.shop
        and typed.order_id = discounts.order_id
        and typed.shipping_line_id = discounts.shipping_line_id
    left join taxes
        on typed.shop = taxes.shop
        and typed.order_id = taxes.order_id
        and typed.shipping_line_id = taxes.shipping_line_id
)

select
    shop,
    order_id,
    count(*) as shipping_lines_count,
    {{ money('sum(charged)') }} as shipping_charged,
    {{ money('sum(discounts)') }} as shipping_discounts,
    {{ money('sum(charged) - sum(discounts)') }} as shipping_net,
    {{ money('sum(tax)') }} as shipping_tax,
    max(_source_loaded_at) as _source_loaded_at
from per_line
group by shop, order_id
