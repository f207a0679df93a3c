-- Exactly one row: the shop's latest settings (UTC when no shop record arrived yet).
with latest as (
    select shop_id, shop_name, currency, iana_timezone, taxes_included
    from {{ ref('stg_shopify__shop') }}
    qualify row_number() over (
        order by updated_at desc nulls last, _airbyte_extracted_at desc, _loaded_at desc
    ) = 1
)

select
    latest.shop_id,
    latest.shop_name,
    latest.currency,
    coalesce(latest.iana_timezone, 'UTC') as iana_timezone,
    -- only the default for orders that do not say (each order carries its own flag)
    coalesce(latest.taxes_included, false) as taxes_included
from (select 1 as one) as anchor
left join latest on 1 = 1
