-- The shop's locations, latest version.
with parsed as (
    select
        {{ shop_of('_file_name') }} as shop,
        {{ json_bigint('record', 'id') }} as location_id,
        {{ json_string('record', 'name') }} as location_name,
        {{ json_string('record', 'city') }} as city,
        {{ json_string('record', 'province') }} as province,
        {{ json_string('record', 'province_code') }} as province_code,
        {{ json_string('record', 'country_name') }} as country,
        {{ json_string('record', 'country_code') }} as country_code,
        coalesce({{ json_boolean('record', 'active') }}, true) as is_active,
        {{ json_timestamp('record', 'created_at') }} as created_at,
        {{ json_timestamp('record', 'updated_at') }} as updated_at,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from {{ source('shopify', 'locations') }}
)

select *
from parsed
where {{ not_rejected('locations') }}
{{ keep_latest('location_id') }}
