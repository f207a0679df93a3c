{#- Every version stays. DuckDB: an incremental table that only ever appends (raw is
    append-only): the rows of each load are (re)inserted whole, keyed by their _loaded_at,
    so the versions' JSON is parsed once. Snowflake: a view, like the rest of staging. -#}
{{
    config(
        materialized=('incremental' if target.type == 'duckdb' else 'view'),
        unique_key=['shop', '_loaded_at'],
    )
}}
-- Every version of every order that raw holds, not deduplicated (raw is append-only: a
-- new version arrives each time the order changes in Shopify). Only what tells the
-- versions apart and which lines each had: int_order_line_additions reads it to find the
-- lines an order edit added. stg_shopify__orders is the latest version of each order.
with parsed as (
    select
        {{ shop_of('_file_name') }} as shop,
        {{ json_bigint('record', 'id') }} as order_id,
        {{ json_timestamp('record', 'updated_at') }} as updated_at,
        {{ json_value('record', 'line_items') }} as line_items,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from {{ source('shopify', 'orders') }}
    {{ where_new_raw_rows('orders') }}
)

select *
from parsed
