-- Customers, latest version. Only the normalised e-mail is kept (to match guest orders);
-- names and phone numbers are dropped here.
with parsed as (
    select
        {{ json_bigint('record', 'id') }} as customer_id,
        nullif(lower(trim({{ json_string('record', 'email') }})), '') as email,
        {{ json_string('record', 'state') }} as customer_state,
        {{ json_boolean('record', 'verified_email') }} as is_verified_email,
        {{ json_string('record', 'tags') }} as tags,
        {{ json_string('record', 'currency') }} as currency,
        {{ json_string('record', 'default_address.city') }} as city,
        {{ json_string('record', 'default_address.province') }} as province,
        {{ json_string('record', 'default_address.province_code') }} as province_code,
        {{ json_string('record', 'default_address.country') }} as country,
        {{ json_string('record', 'default_address.country_code') }} as country_code,
        {{ json_timestamp('record', 'created_at') }} as created_at,
        {{ json_timestamp('record', 'updated_at') }} as updated_at,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from {{ source('shopify', 'customers') }}
)

select *
from parsed
where customer_id is not null
{{ keep_latest('customer_id') }}
