{#- On DuckDB a table, like int_order_lines: the versions are read once per build -#}
{{ config(materialized=('table' if target.type == 'duckdb' else 'view')) }}
-- One row per order line that an order edit added: a line missing from the earliest
-- version of its order that raw holds, with `added_at`, the updated_at of the earliest
-- version that has it (the edit). Its sale is booked then, not on the order's date
-- (docs/metrics.md, "Order edits"). Versions are ordered like keep_latest, oldest first;
-- the baseline is the earliest version with any line items.

-- Only orders held in several versions can have lines an edit added; the others' line
-- items are never read (the filter comes before the window and the unnest: DuckDB does
-- not push it through either).
with edited_orders as (
    select shop, order_id
    from {{ ref('stg_shopify__order_versions') }}
    group by shop, order_id
    having count(*) > 1
),

versions as (
    select
        shop,
        order_id,
        updated_at,
        line_items,
        row_number() over (
            partition by shop, order_id
            order by
                updated_at asc nulls last,
                _airbyte_extracted_at asc nulls last,
                _loaded_at asc nulls last,
                _airbyte_raw_id asc nulls last
        ) as version_seq
    from {{ ref('stg_shopify__order_versions') }}
    where (shop, order_id) in (select shop, order_id from edited_orders)
),

version_lines as (
    select
        versions.shop,
        versions.order_id,
        versions.version_seq,
        versions.updated_at,
        {{ json_bigint('li.value', 'id') }} as order_line_id
    from versions
    {{ unnest_json_array('versions.line_items', 'li') }}
),

first_seen as (
    select
        shop,
        order_id,
        order_line_id,
        version_seq,
        updated_at,
        min(version_seq) over (partition by shop, order_id) as baseline_version_seq
    from version_lines
    where order_line_id is not null
    qualify row_number() over (
        partition by shop, order_id, order_line_id order by version_seq
    ) = 1
)

select
    shop,
    order_id,
    order_line_id,
    version_seq as added_in_version_seq,
    updated_at as added_at
from first_seen
where version_seq > baseline_version_seq
