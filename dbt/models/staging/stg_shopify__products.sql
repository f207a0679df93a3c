-- Products, latest version.
with parsed as (
    select
        {{ shop_of('_file_name') }} as shop,
        {{ json_bigint('record', 'id') }} as product_id,
        {{ json_string('record', 'title') }} as product_title,
        {{ json_string('record', 'handle') }} as handle,
        nullif({{ json_string('record', 'product_type') }}, '') as product_type,
        nullif({{ json_string('record', 'vendor') }}, '') as vendor,
        lower({{ json_string('record', 'status') }}) as status,
        coalesce({{ json_boolean('record', 'is_gift_card') }}, false) as is_gift_card,
        {{ json_string('record', 'tags') }} as tags,
        {{ json_timestamp('record', 'created_at') }} as created_at,
        {{ json_timestamp('record', 'published_at') }} as published_at,
        {{ json_timestamp('record', 'updated_at') }} as updated_at,
        {{ json_timestamp('record', 'deleted_at') }} as deleted_at,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from {{ source('shopify', 'products') }}
)

select *
from parsed
where {{ not_rejected('products') }}
{{ keep_latest('product_id') }}
