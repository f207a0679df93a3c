-- Product variants, latest version.
with parsed as (
    select
        {{ shop_of('_file_name') }} as shop,
        {{ json_bigint('record', 'id') }} as variant_id,
        {{ json_bigint('record', 'product_id') }} as product_id,
        {{ json_string('record', 'title') }} as variant_title,
        nullif({{ json_string('record', 'sku') }}, '') as sku,
        nullif({{ json_string('record', 'barcode') }}, '') as barcode,
        {{ json_money('record', 'price') }} as price,
        {{ json_money('record', 'compare_at_price') }} as compare_at_price,
        {{ json_bigint('record', 'position') }} as position,
        {{ json_boolean('record', 'taxable') }} as is_taxable,
        {{ json_boolean('record', 'requires_shipping') }} as requires_shipping,
        {{ json_timestamp('record', 'created_at') }} as created_at,
        {{ json_timestamp('record', 'updated_at') }} as updated_at,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from {{ source('shopify', 'product_variants') }}
)

select *
from parsed
where {{ not_rejected('product_variants') }}
{{ keep_latest('variant_id') }}
