-- Exactly one row: the shop's latest settings (UTC when no shop record arrived yet).
with latest as (
    select shop_id, shop_name, currency, iana_timezone
    from {{ ref('stg_shopify__shop') }}
    qualify row_number() over (
        order by updated_at desc nulls last, _airbyte_extracted_at desc, _loaded_at desc
    ) = 1
)

select
    latest.shop_id,
    latest.shop_name,
    latest.currency,
    coalesce(latest.iana_timezone, 'UTC') as iana_timezone
from (select 1 as one) as anchor
left join latest on 1 = 1
