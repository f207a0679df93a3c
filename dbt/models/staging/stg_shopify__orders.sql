-- Orders, latest version, with the shop-money totals typed. Line items and shipping lines
-- stay JSON here; intermediate models unnest them. The e-mail is only kept normalised.
with parsed as (
    select
        {{ json_bigint('record', 'id') }} as order_id,
        {{ json_string('record', 'name') }} as order_name,
        {{ json_bigint('record', 'order_number') }} as order_number,
        {{ json_bigint('record', 'customer.id') }} as customer_id,
        nullif(lower(trim({{ json_string('record', 'email') }})), '') as email,
        {{ json_timestamp('record', 'created_at') }} as created_at,
        {{ json_timestamp('record', 'processed_at') }} as processed_at,
        {{ json_timestamp('record', 'updated_at') }} as updated_at,
        {{ json_timestamp('record', 'cancelled_at') }} as cancelled_at,
        {{ json_string('record', 'cancel_reason') }} as cancel_reason,
        {{ json_timestamp('record', 'closed_at') }} as closed_at,
        {{ json_timestamp('record', 'deleted_at') }} as deleted_at,
        coalesce({{ json_boolean('record', 'test') }}, false) as is_test,
        {{ json_string('record', 'financial_status') }} as financial_status,
        {{ json_string('record', 'fulfillment_status') }} as fulfillment_status,
        {{ json_string('record', 'source_name') }} as source_name,
        {{ json_string('record', 'total_price_set.shop_money.currency_code') }} as currency,
        {{ json_string('record', 'presentment_currency') }} as presentment_currency,
        {{ json_boolean('record', 'taxes_included') }} as taxes_included,
        {{ json_money('record', 'subtotal_price_set.shop_money.amount') }} as subtotal_price,
        {{ json_money('record', 'total_discounts_set.shop_money.amount') }} as total_discounts,
        {{ json_money('record', 'total_tax_set.shop_money.amount') }} as total_tax,
        {{ json_money('record', 'total_shipping_price_set.shop_money.amount') }}
            as total_shipping_price,
        {{ json_money('record', 'total_price_set.shop_money.amount') }} as total_price,
        {{ json_string('record', 'shipping_address.city') }} as ship_city,
        {{ json_string('record', 'shipping_address.province') }} as ship_province,
        {{ json_string('record', 'shipping_address.province_code') }} as ship_province_code,
        {{ json_string('record', 'shipping_address.country') }} as ship_country,
        {{ json_string('record', 'shipping_address.country_code') }} as ship_country_code,
        {{ json_string('record', 'billing_address.country_code') }} as bill_country_code,
        {{ json_bigint('record', 'location_id') }} as location_id,
        {{ json_value('record', 'line_items') }} as line_items,
        {{ json_value('record', 'shipping_lines') }} as shipping_lines,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from {{ source('shopify', 'orders') }}
)

select *
from parsed
where order_id is not null
{{ keep_latest('order_id') }}
