{#- DuckDB: an incremental table (the raw JSON is parsed once, new rows only each night);
    Snowflake: a view (see dbt_project.yml) -#}
{{
    config(
        materialized=('incremental' if target.type == 'duckdb' else 'view'),
        unique_key=['shop', 'customer_id'],
    )
}}
-- Customers, latest version. Only the normalised e-mail is kept (to match guest orders);
-- names and phone numbers are dropped here.
{%- set paths = [
    'id', 'email', 'state', 'verified_email', 'tags', 'currency', 'default_address.city',
    'default_address.province', 'default_address.province_code', 'default_address.country',
    'default_address.country_code', 'created_at', 'updated_at',
] %}
with source as (
    select
        {{ shop_of('_file_name') }} as shop,
        {{ json_strings('record', paths) }} as fields,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from {{ source('shopify', 'customers') }}
    {{ where_new_raw_rows('customers') }}
),

parsed as (
    select
        shop,
        try_cast({{ json_string_in('fields', paths, 'id') }} as bigint) as customer_id,
        nullif(lower(trim({{ json_string_in('fields', paths, 'email') }})), '') as email,
        {{ json_string_in('fields', paths, 'state') }} as customer_state,
        try_cast({{ json_string_in('fields', paths, 'verified_email') }} as boolean)
            as is_verified_email,
        {{ json_string_in('fields', paths, 'tags') }} as tags,
        {{ json_string_in('fields', paths, 'currency') }} as currency,
        {{ json_string_in('fields', paths, 'default_address.city') }} as city,
        {{ json_string_in('fields', paths, 'default_address.province') }} as province,
        {{ json_string_in('fields', paths, 'default_address.province_code') }} as province_code,
        {{ json_string_in('fields', paths, 'default_address.country') }} as country,
        {{ json_string_in('fields', paths, 'default_address.country_code') }} as country_code,
        {{ parse_timestamp_utc(json_string_in('fields', paths, 'created_at')) }} as created_at,
        {{ parse_timestamp_utc(json_string_in('fields', paths, 'updated_at')) }} as updated_at,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from source
),

candidates as (
    {{ latest_candidates('parsed', 'customer_id') }}
)

select *
from candidates
{{ keep_latest('customer_id') }}
