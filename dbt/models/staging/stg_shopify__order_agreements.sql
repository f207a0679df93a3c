{#- DuckDB: an incremental table (the raw JSON is parsed once, new rows only each night);
    Snowflake: a view (see dbt_project.yml) -#}
{{
    config(
        materialized=('incremental' if target.type == 'duckdb' else 'view'),
        unique_key=['shop', 'order_id'],
    )
}}
-- Shopify's own sales ledger of each order (the order_agreements stream): the agreements
-- (the order, each edit, refund or return) with their sales, latest version per order.
-- The agreements stay JSON; int_order_agreement_sales unnests them. The connector sends
-- `agreements: {}` (an empty object) for an order with none.
with parsed as (
    select
        {{ shop_of('_file_name') }} as shop,
        {{ json_bigint('record', 'id') }} as order_id,
        {{ json_timestamp('record', 'created_at') }} as created_at,
        {{ json_timestamp('record', 'updated_at') }} as updated_at,
        {{ json_value('record', 'agreements') }} as agreements,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from {{ source('shopify', 'order_agreements') }}
    {{ where_new_raw_rows('order_agreements') }}
),

candidates as (
    {{ latest_candidates('parsed', 'order_id') }}
)

select *
from candidates
{{ keep_latest('order_id') }}
