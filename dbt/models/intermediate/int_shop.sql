-- One row per shop (lake namespace): its latest settings. A shop without a shop record
-- or a time zone is not put in UTC: its time zone stays NULL, and the test
-- assert_every_shop_has_its_settings fails the build. Each shop's time zone dates its own
-- sales; money stays in its own currency.
with latest as (
    select shop, shop_id, shop_name, currency, iana_timezone, taxes_included
    from {{ ref('stg_shopify__shop') }}
    qualify row_number() over (
        partition by shop
        order by updated_at desc nulls last, _airbyte_extracted_at desc, _loaded_at desc
    ) = 1
),

shops as (
    select shop from {{ ref('stg_shopify__shop') }}
    union distinct
    select shop from {{ ref('stg_shopify__orders') }}
)

select
    shops.shop,
    latest.shop_id,
    latest.shop_name,
    latest.currency,
    latest.iana_timezone,
    -- only the default for orders that do not say (each order carries its own flag)
    coalesce(latest.taxes_included, false) as taxes_included
from shops
left join latest on shops.shop = latest.shop
