-- One row per variant of each shop: the variants stream, plus variants only seen on order
-- lines (deleted since), described by their latest line. Ids are unique within a shop.
with variants as (
    select * from {{ ref('stg_shopify__product_variants') }}
),

products as (
    select * from {{ ref('stg_shopify__products') }}
),

catalogue as (
    select
        variants.shop,
        variants.variant_id,
        variants.product_id,
        products.product_title,
        variants.variant_title,
        variants.sku,
        products.vendor,
        products.product_type,
        products.status as product_status,
        coalesce(products.is_gift_card, false) as is_gift_card,
        {{ money('variants.price') }} as price,
        variants.created_at,
        true as is_in_catalogue
    from variants
    left join products
        on variants.shop = products.shop and variants.product_id = products.product_id
),

seen_on_lines as (
    select
        lines.shop,
        lines.variant_id,
        lines.product_id,
        lines.product_title,
        lines.variant_title,
        lines.sku,
        lines.vendor,
        lines.is_gift_card,
        lines.price
    from {{ ref('int_order_lines') }} as lines
    inner join {{ ref('int_orders') }} as orders
        on lines.shop = orders.shop and lines.order_id = orders.order_id
    where lines.variant_id is not null
        and (lines.shop, lines.variant_id) not in (select shop, variant_id from variants)
    qualify row_number() over (
        partition by lines.shop, lines.variant_id
        order by orders.processed_at desc, lines.order_line_id desc
    ) = 1
)

select * from catalogue

union all

select
    shop,
    variant_id,
    product_id,
    product_title,
    variant_title,
    sku,
    vendor,
    cast(null as {{ dbt.type_string() }}) as product_type,
    'deleted' as product_status,
    is_gift_card,
    {{ money('price') }} as price,
    cast(null as timestamp) as created_at,
    false as is_in_catalogue
from seen_on_lines
