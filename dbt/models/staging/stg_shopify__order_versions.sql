{#- every version stays: a view on every adapter, not a second copy of the raw orders -#}
{{ config(materialized='view') }}
-- Every version of every order that raw holds, not deduplicated (raw is append-only: a
-- new version arrives each time the order changes in Shopify). Only what tells the
-- versions apart and which lines each had: int_order_line_additions reads it to find the
-- lines an order edit added. stg_shopify__orders is the latest version of each order.
with parsed as (
    select
        {{ json_bigint('record', 'id') }} as order_id,
        {{ json_timestamp('record', 'updated_at') }} as updated_at,
        {{ json_value('record', 'line_items') }} as line_items,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from {{ source('shopify', 'orders') }}
)

select *
from parsed
where order_id is not null
