{#- DuckDB: an incremental table (the raw JSON is parsed once, new rows only each night);
    Snowflake: a view (see dbt_project.yml) -#}
{{
    config(
        materialized=('incremental' if target.type == 'duckdb' else 'view'),
        unique_key=['shop', 'transaction_id'],
    )
}}
-- Payment transactions, latest version. Amounts in shop money when Shopify sends it.
with parsed as (
    select
        {{ shop_of('_file_name') }} as shop,
        {{ json_bigint('record', 'id') }} as transaction_id,
        {{ json_bigint('record', 'order_id') }} as order_id,
        {{ json_bigint('record', 'parent_id') }} as parent_transaction_id,
        lower({{ json_string('record', 'kind') }}) as kind,
        lower({{ json_string('record', 'status') }}) as status,
        {{ json_string('record', 'gateway') }} as gateway,
        coalesce(
            {{ json_money('record', 'amount_set.shop_money.amount') }},
            {{ json_money('record', 'amount') }}
        ) as amount,
        coalesce(
            {{ json_string('record', 'amount_set.shop_money.currency_code') }},
            {{ json_string('record', 'currency') }}
        ) as currency,
        coalesce({{ json_boolean('record', 'test') }}, false) as is_test,
        {{ json_timestamp('record', 'created_at') }} as created_at,
        {{ json_timestamp('record', 'processed_at') }} as processed_at,
        _airbyte_raw_id,
        _airbyte_extracted_at,
        _loaded_at
    from {{ source('shopify', 'transactions') }}
    {{ where_new_raw_rows('transactions') }}
),

candidates as (
    {{ latest_candidates('parsed', 'transaction_id') }}
)

select *
from candidates
{{ keep_latest('transaction_id', '_airbyte_extracted_at') }}
