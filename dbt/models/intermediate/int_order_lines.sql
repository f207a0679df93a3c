{#- On DuckDB an incremental table: the line items are unnested and parsed once, when their
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
-- One row per order line (gift cards and tips flagged) with its shop-money price, its
-- discounts (Shopify's allocations already spread order-level discounts over lines), its
-- tax, its tax rate and its import duties, all as Shopify charged them: in an order whose
-- prices include tax, price and discounts include it too. `price_tax` is the tax the price
-- holds in such an order; int_sales_events decides, by the order's taxes_included, what to
-- take out (docs/metrics.md, "Prices that include tax").
{%- set paths = [
    'id', 'product_id', 'variant_id', 'sku', 'title', 'name', 'variant_title', 'vendor',
    'quantity', 'price_set.shop_money.amount', 'price', 'gift_card', 'taxable',
    'requires_shipping', 'tip_payment_gateway', 'tip_payment_method',
] %}
-- the orders to (re)compute (all, or on an incremental run the changed ones)
with orders as (
    {{ changed_rows(ref('stg_shopify__orders'), ['order_id', 'line_items', 'total_tip_received']) }}
),

lines as (
    select
        orders.shop,
        orders.order_id,
        orders.total_tip_received,
        orders._loaded_at as _source_loaded_at,
        li.value as line_item
    from orders
    {{ unnest_json_array('orders.line_items', 'li') }}
),

line_fields as (
    select
        shop,
        order_id,
        total_tip_received,
        _source_loaded_at,
        line_item,
        {{ json_strings('line_item', paths) }} as fields
    from lines
),

typed as (
    select
        shop,
        order_id,
        total_tip_received,
        try_cast({{ json_string_in('fields', paths, 'id') }} as bigint) as order_line_id,
        try_cast({{ json_string_in('fields', paths, 'product_id') }} as bigint) as product_id,
        try_cast({{ json_string_in('fields', paths, 'variant_id') }} as bigint) as variant_id,
        nullif({{ json_string_in('fields', paths, 'sku') }}, '') as sku,
        {{ json_string_in('fields', paths, 'title') }} as product_title,
        nullif({{ json_string_in('fields', paths, 'variant_title') }}, '') as variant_title,
        nullif({{ json_string_in('fields', paths, 'vendor') }}, '') as vendor,
        -- a line without an integer quantity rejects its order (audit.rejected_records)
        try_cast({{ json_string_in('fields', paths, 'quantity') }} as bigint) as quantity,
        coalesce(
            try_cast({{ json_string_in('fields', paths, 'price_set.shop_money.amount') }}
                as {{ money_type() }}),
            try_cast({{ json_string_in('fields', paths, 'price') }} as {{ money_type() }})
        ) as price,
        coalesce(try_cast({{ json_string_in('fields', paths, 'gift_card') }} as boolean), false)
            as is_gift_card,
        {{ json_string_in('fields', paths, 'name') }} as line_name,
        try_cast({{ json_string_in('fields', paths, 'taxable') }} as boolean) as is_taxable,
        try_cast({{ json_string_in('fields', paths, 'requires_shipping') }} as boolean)
            as requires_shipping,
        coalesce(
            {{ json_string_in('fields', paths, 'tip_payment_gateway') }},
            {{ json_string_in('fields', paths, 'tip_payment_method') }}
        ) as tip_payment,
        {{ json_value('line_item', 'discount_allocations') }} as discount_allocations,
        {{ json_value('line_item', 'tax_lines') }} as tax_lines,
        {{ json_value('line_item', 'duties') }} as duty_lines,
        _source_loaded_at
    from line_fields
),

discounts as (
    select
        typed.shop,
        typed.order_line_id,
        sum(
            coalesce(
                {{ json_money('da.value', 'amount_set.shop_money.amount') }},
                {{ json_money('da.value', 'amount') }}
            )
        ) as discounts
    from typed
    {{ unnest_json_array('typed.discount_allocations', 'da') }}
    group by typed.shop, typed.order_line_id
),

taxes as (
    select
        typed.shop,
        typed.order_line_id,
        sum(
            coalesce(
                {{ json_money('tl.value', 'price_set.shop_money.amount') }},
                {{ json_money('tl.value', 'price') }}
            )
        ) as tax,
        sum(try_cast({{ json_string('tl.value', 'rate') }} as decimal(12, 6))) as tax_rate
    from typed
    {{ unnest_json_array('typed.tax_lines', 'tl') }}
    group by typed.shop, typed.order_line_id
),

duties as (
    select
        typed.shop,
        typed.order_line_id,
        sum(
            coalesce(
                {{ json_money('du.value', 'shop_money.amount') }},
                {{ json_money('du.value', 'price_set.shop_money.amount') }}
            )
        ) as duties
    from typed
    {{ unnest_json_array('typed.duty_lines', 'du') }}
    group by typed.shop, typed.order_line_id
),

priced as (
    select
        typed.*,
        {{ money('typed.price * typed.quantity') }} as gross_amount,
        {{ money0('discounts.discounts') }} as discounts,
        {{ money0('taxes.tax') }} as tax,
        taxes.tax_rate,
        {{ money0('duties.duties') }} as duties
    from typed
    left join discounts
        on typed.shop = discounts.shop and typed.order_line_id = discounts.order_line_id
    left join taxes on typed.shop = taxes.shop and typed.order_line_id = taxes.order_line_id
    left join duties on typed.shop = duties.shop and typed.order_line_id = duties.order_line_id
)

select
    shop,
    order_id,
    order_line_id,
    product_id,
    variant_id,
    sku,
    product_title,
    variant_title,
    vendor,
    quantity,
    {{ money('price') }} as price,
    gross_amount,
    discounts,
    tax,
    tax_rate,
    -- the tax a tax-inclusive price × quantity holds: at the line's rate, else (no rate) the
    -- price's share of the line's tax, which is on price × quantity less discounts
    {{ money0(
        'case when tax_rate > 0 then ' ~ included_tax('gross_amount', 'tax_rate')
        ~ ' when tax > 0 and gross_amount > discounts then '
        ~ tax_share('tax', 'gross_amount', 'gross_amount - discounts') ~ ' else 0 end'
    ) }} as price_tax,
    duties,
    is_gift_card,
    -- a tip is a line item (no product, no shipping, no tax) of an order that received tips;
    -- Shopify marks it with tip_payment_gateway/method (which a lake writer may not keep),
    -- else it is named "Tip"
    (
        coalesce(total_tip_received, 0) > 0
        and not is_gift_card
        and product_id is null
        and variant_id is null
        and (
            tip_payment is not null
            or (
                lower(coalesce(line_name, product_title, '')) = 'tip'
                and not coalesce(requires_shipping, false)
                and not coalesce(is_taxable, false)
            )
        )
    ) as is_tip,
    _source_loaded_at
from priced
