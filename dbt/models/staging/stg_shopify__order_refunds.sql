{#- DuckDB: an incremental table (the raw JSON is parsed once, new rows only each night);
    Snowflake: a view (see dbt_project.yml) -#}
{{
    config(
        materialized=('incremental' if target.type == 'duckdb' else 'view'),
        unique_key=['shop', 'refund_id'],
    )
}}
-- Refunds, latest version (refunds have no updated_at: latest extraction wins).
-- refunded_at is processed_at, else created_at. Nested arrays stay JSON.
with parsed as (
    select
        {{ shop_of('_file_name') }} as shop,
        {{ json_bigint('record', 'id') }} as refund_id,
        {{ json_bigint('record', 'order_id') }} as order_id,
        {{ json_timestamp('record', 'created_at') }} as created_at,
        {{ json_timestamp('record', 'processed_at') }} as processed_at,
        coalesce(
            {{ json_timestamp('record', 'processed_at') }},
            {{ json_timestamp('record', 'created_at') }}
        ) as refunded_at,
        {{ json_string('record', 'note') }} as note,
        {{ json_boolean('record', 'restock') }} as is_restock,
        -- duties this refund paid back (import duties collected at checkout)
        {{ json_money('record', 'total_duties_set.shop_money.amount') }} as duties_refunded,
        {{ json_value('record', 'refund_line_items') }} as refund_line_items,
        {{ json_value('record', 'order_adjustments') }} as order_adjustments,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from {{ source('shopify', 'order_refunds') }}
    {{ where_new_raw_rows('order_refunds') }}
),

candidates as (
    {{ latest_candidates('parsed', 'refund_id') }}
)

select *
from candidates
{{ keep_latest('refund_id', '_airbyte_extracted_at') }}
