{{ config(meta={'fix': "sync the shop stream of that shop (spoon extract, or the Airbyte"
    " connection's `shop` stream), and give the shop a time zone Shopify knows"}) }}
-- Every shop seen in orders has a shop record with a known IANA time zone: its sales are
-- dated in that zone, never silently in UTC (issue 17). An error: the build stops here and
-- `spoon transform` prints the shops and their problem.
with order_shops as (
    select distinct shop from {{ ref('stg_shopify__orders') }}
)

select
    order_shops.shop,
    shops.iana_timezone,
    case
        when shops.shop_id is null then 'no shop record'
        when shops.iana_timezone is null then 'shop record without iana_timezone'
        else 'unknown time zone ' || shops.iana_timezone
    end as problem
from order_shops
left join {{ ref('int_shop') }} as shops on order_shops.shop = shops.shop
where
    shops.shop_id is null
    or shops.iana_timezone is null
    or not {{ is_known_time_zone('shops.iana_timezone') }}
