-- The shop's settings, latest version. Its time zone dates every sale.
with parsed as (
    select
        {{ shop_of('_file_name') }} as shop,
        {{ json_bigint('record', 'id') }} as shop_id,
        {{ json_string('record', 'name') }} as shop_name,
        {{ json_string('record', 'myshopify_domain') }} as myshopify_domain,
        {{ json_string('record', 'currency') }} as currency,
        {{ json_string('record', 'iana_timezone') }} as iana_timezone,
        {{ json_string('record', 'country_code') }} as country_code,
        {{ json_string('record', 'province_code') }} as province_code,
        {{ json_boolean('record', 'taxes_included') }} as taxes_included,
        {{ json_timestamp('record', 'created_at') }} as created_at,
        {{ json_timestamp('record', 'updated_at') }} as updated_at,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from {{ source('shopify', 'shop') }}
)

select *
from parsed
where {{ not_rejected('shop') }}
{{ keep_latest('shop_id') }}
