{#- DuckDB: an incremental table (the raw JSON is parsed once, new rows only each night);
    Snowflake: a view (see dbt_project.yml) -#}
{{
    config(
        materialized=('incremental' if target.type == 'duckdb' else 'view'),
        unique_key=['shop', 'order_id'],
    )
}}
-- Orders, latest version, with the shop-money totals typed (Shopify's own `current_*` totals
-- too: rpt_order_reconciliation holds our figures against them). Line items and shipping
-- lines stay JSON here; intermediate models unnest them. The e-mail is only kept normalised.
-- An order record is large (~8 KB with its lines): its text fields are parsed once
-- (json_strings), not once per field.
{%- set paths = [
    'id', 'name', 'order_number', 'customer.id', 'email', 'created_at', 'processed_at',
    'updated_at', 'cancelled_at', 'cancel_reason', 'closed_at', 'deleted_at', 'test',
    'financial_status', 'fulfillment_status', 'source_name',
    'total_price_set.shop_money.currency_code', 'presentment_currency', 'taxes_included',
    'subtotal_price_set.shop_money.amount', 'total_discounts_set.shop_money.amount',
    'total_tax_set.shop_money.amount', 'total_shipping_price_set.shop_money.amount',
    'total_price_set.shop_money.amount', 'shipping_address.city', 'shipping_address.province',
    'shipping_address.province_code', 'shipping_address.country',
    'shipping_address.country_code', 'billing_address.country_code', 'location_id',
    'total_tip_received', 'current_total_price_set.shop_money.amount',
    'current_subtotal_price_set.shop_money.amount', 'current_total_tax_set.shop_money.amount',
    'current_total_discounts_set.shop_money.amount', 'current_total_duties_set',
    'original_total_duties_set', 'current_total_additional_fees_set.shop_money.amount',
    'original_total_additional_fees_set.shop_money.amount',
] %}
with source as (
    select
        {{ shop_of('_file_name') }} as shop,
        record,
        {{ json_strings('record', paths) }} as fields,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from {{ source('shopify', 'orders') }}
    {{ where_new_raw_rows('orders') }}
),

parsed as (
    select
        shop,
        try_cast({{ json_string_in('fields', paths, 'id') }} as bigint) as order_id,
        {{ json_string_in('fields', paths, 'name') }} as order_name,
        try_cast({{ json_string_in('fields', paths, 'order_number') }} as bigint) as order_number,
        try_cast({{ json_string_in('fields', paths, 'customer.id') }} as bigint) as customer_id,
        nullif(lower(trim({{ json_string_in('fields', paths, 'email') }})), '') as email,
        {{ parse_timestamp_utc(json_string_in('fields', paths, 'created_at')) }} as created_at,
        {{ parse_timestamp_utc(json_string_in('fields', paths, 'processed_at')) }}
            as processed_at,
        {{ parse_timestamp_utc(json_string_in('fields', paths, 'updated_at')) }} as updated_at,
        {{ parse_timestamp_utc(json_string_in('fields', paths, 'cancelled_at')) }}
            as cancelled_at,
        {{ json_string_in('fields', paths, 'cancel_reason') }} as cancel_reason,
        {{ parse_timestamp_utc(json_string_in('fields', paths, 'closed_at')) }} as closed_at,
        {{ parse_timestamp_utc(json_string_in('fields', paths, 'deleted_at')) }} as deleted_at,
        coalesce(try_cast({{ json_string_in('fields', paths, 'test') }} as boolean), false)
            as is_test,
        {{ json_string_in('fields', paths, 'financial_status') }} as financial_status,
        {{ json_string_in('fields', paths, 'fulfillment_status') }} as fulfillment_status,
        {{ json_string_in('fields', paths, 'source_name') }} as source_name,
        {{ json_string_in('fields', paths, 'total_price_set.shop_money.currency_code') }}
            as currency,
        {{ json_string_in('fields', paths, 'presentment_currency') }} as presentment_currency,
        try_cast({{ json_string_in('fields', paths, 'taxes_included') }} as boolean)
            as taxes_included,
        try_cast({{ json_string_in('fields', paths, 'subtotal_price_set.shop_money.amount') }}
            as {{ money_type() }}) as subtotal_price,
        try_cast({{ json_string_in('fields', paths, 'total_discounts_set.shop_money.amount') }}
            as {{ money_type() }}) as total_discounts,
        try_cast({{ json_string_in('fields', paths, 'total_tax_set.shop_money.amount') }}
            as {{ money_type() }}) as total_tax,
        try_cast({{ json_string_in('fields', paths, 'total_shipping_price_set.shop_money.amount') }}
            as {{ money_type() }}) as total_shipping_price,
        try_cast({{ json_string_in('fields', paths, 'total_price_set.shop_money.amount') }}
            as {{ money_type() }}) as total_price,
        {{ json_string_in('fields', paths, 'shipping_address.city') }} as ship_city,
        {{ json_string_in('fields', paths, 'shipping_address.province') }} as ship_province,
        {{ json_string_in('fields', paths, 'shipping_address.province_code') }}
            as ship_province_code,
        {{ json_string_in('fields', paths, 'shipping_address.country') }} as ship_country,
        {{ json_string_in('fields', paths, 'shipping_address.country_code') }}
            as ship_country_code,
        {{ json_string_in('fields', paths, 'billing_address.country_code') }}
            as bill_country_code,
        try_cast({{ json_string_in('fields', paths, 'location_id') }} as bigint) as location_id,
        try_cast({{ json_string_in('fields', paths, 'total_tip_received') }}
            as {{ money_type() }}) as total_tip_received,
        try_cast({{ json_string_in('fields', paths, 'current_total_price_set.shop_money.amount') }}
            as {{ money_type() }}) as current_total_price,
        try_cast({{ json_string_in(
            'fields', paths, 'current_subtotal_price_set.shop_money.amount'
        ) }} as {{ money_type() }}) as current_subtotal_price,
        try_cast({{ json_string_in('fields', paths, 'current_total_tax_set.shop_money.amount') }}
            as {{ money_type() }}) as current_total_tax,
        try_cast({{ json_string_in(
            'fields', paths, 'current_total_discounts_set.shop_money.amount'
        ) }} as {{ money_type() }}) as current_total_discounts,
        -- the two duties totals are JSON text in the lake (the connector's schema says string)
        try_cast({{ json_text_string_in(
            'fields', paths, 'current_total_duties_set', 'shop_money.amount'
        ) }} as {{ money_type() }}) as current_total_duties,
        try_cast({{ json_text_string_in(
            'fields', paths, 'original_total_duties_set', 'shop_money.amount'
        ) }} as {{ money_type() }}) as original_total_duties,
        try_cast({{ json_string_in(
            'fields', paths, 'current_total_additional_fees_set.shop_money.amount'
        ) }} as {{ money_type() }}) as current_total_additional_fees,
        try_cast({{ json_string_in(
            'fields', paths, 'original_total_additional_fees_set.shop_money.amount'
        ) }} as {{ money_type() }}) as original_total_additional_fees,
        {{ json_value('record', 'line_items') }} as line_items,
        {{ json_value('record', 'shipping_lines') }} as shipping_lines,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from source
),

candidates as (
    {{ latest_candidates('parsed', 'order_id') }}
)

-- source-shopify's record of a deleted order is reduced ({id, deleted_at, ...}, no updated_at):
-- its deletion time orders it after the versions before it
select *
from candidates
{{ keep_latest('order_id', 'coalesce(deleted_at, updated_at)') }}
