{{ config(alias='rejected_records') }}
-- Every raw record that cannot be typed (DESIGN.md contract 4, macros/rejects.sql): one row
-- per failed check, and one per value the lake writer nulled (its _airbyte_meta.changes).
-- Staging reads every raw row but these (not_rejected); the test no_rejected_records warns,
-- and `spoon transform` prints how many per stream.
{%- set specs = reject_specs() %}
-- (noqa ST03, RF01 below: sqlfluff also lints variants of the loops with no checks, and
-- does not see the alias unnest_json_array gives the array elements)
with shop_currency as ( -- noqa: ST03
    select
        {{ shop_of('_file_name') }} as shop,
        {{ json_string('record', 'currency') }} as currency
    from {{ source('shopify', 'shop') }}
    qualify row_number() over (
        partition by {{ shop_of('_file_name') }}
        order by
            {{ json_timestamp('record', 'updated_at') }} desc nulls last,
            _airbyte_extracted_at desc nulls last,
            _loaded_at desc nulls last
    ) = 1
),
{%- set branches = [] %}
{%- for stream, checks in specs.items() %}
{#- top-level checks, and the checks in arrays: array path ('line_items',
    'line_items[].tax_lines') -> [(field, path in the element, kind)], parents first -#}
{%- set top = [] %}
{%- set nested = {} %}
{%- for field, kind in checks %}
{%- if '[].' in field %}
{%- set parts = field.split('[].') %}
{%- for n in range(1, parts | length) %}
{%- do nested.setdefault(parts[:n] | join('[].'), []) %}
{%- endfor %}
{%- do nested[parts[:-1] | join('[].')].append((field, parts[-1], kind)) %}
{%- else %}
{%- do top.append((field, kind)) %}
{%- endif %}
{%- endfor %}
{%- set paths = top | map(attribute=0) | list %}
{%- set uses_currency = 'currency' in (checks | map(attribute=1) | list) %}

{{ stream }}_raw as (
    select
        raw.*,
        {{ json_strings('raw.record', paths) }} as fields
        {%- if uses_currency %},
        shop_currency.currency as shop_currency
        {%- endif %}
    from (
        select
            {{ shop_of('_file_name') }} as shop,
            coalesce({{ json_string('record', 'id') }}, _airbyte_raw_id) as record_id,
            record,
            _file_name,
            _airbyte_raw_id
        from {{ source('shopify', stream) }}
    ) as raw
    {%- if uses_currency %}
    left join shop_currency on raw.shop = shop_currency.shop
    {%- endif %}
),

{{ stream }}_checks as {{ materialized_cte() }} (
    select * from (
        select
            shop,
            record_id,
            _file_name,
            _airbyte_raw_id
            {%- for field, kind in top %},
            {{ reject_reason(kind, json_string_in('fields', paths, field), 'shop_currency') }}
                as check_{{ loop.index }}
            {%- endfor %}
        from {{ stream }}_raw
    ) as checked
    where
        {%- for field, kind in top %}
        {{ 'or ' if not loop.first }}check_{{ loop.index }} is not null
        {%- endfor %}
),

{#- the changes the lake writer made: a NULLED value of a field staging types is one
    reject (the field's path with its array indexes taken out is one of the checks'); a
    nulled field nobody reads leaves the record as it is -#}
{{ stream }}_nulled as (
    select
        {{ stream }}_raw.shop,
        {{ stream }}_raw.record_id,
        {{ stream }}_raw._file_name,
        {{ stream }}_raw._airbyte_raw_id,
        coalesce({{ json_string('meta_change.value', 'field') }}, '_airbyte_meta.changes')
            as nulled_field,
        'nulled by the writer: '
        || coalesce({{ json_string('meta_change.value', 'field') }}, 'a field')
        || ' ('
        || coalesce({{ json_string('meta_change.value', 'reason') }}, 'no reason given')
        || ')' as nulled_reason
    from {{ stream }}_raw
    {{ unnest_json_array(airbyte_meta_changes(stream ~ '_raw.record'), 'meta_change') }}
    where
        {{ json_string('meta_change.value', 'change') }} = 'NULLED'
        and {{ without_array_indexes(json_string('meta_change.value', 'field')) }} in (
            {%- for field, kind in checks %}
            '{{ field }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )
)
{%- for field, kind in top %}
{%- do branches.append(
    (stream, "'" ~ field ~ "'", stream ~ '_checks', 'check_' ~ loop.index)
) %}
{%- endfor %}
{%- do branches.append((stream, 'nulled_field', stream ~ '_nulled', 'nulled_reason')) %}
{%- for array, elems in nested.items() %}
{%- set cte = stream ~ '_' ~ array.replace('[].', '__') %}
{%- if '[].' in array %}
{%- set parent = stream ~ '_' ~ array.rsplit('[].', 1)[0].replace('[].', '__') %}
{%- set items = json_value(parent ~ '.elem', array.rsplit('[].', 1)[1]) %}
{%- else %}
{%- set parent = stream ~ '_raw' %}
{%- set items = json_value(parent ~ '.record', array) %}
{%- endif %},

{{ cte }} as (
    select
        {{ parent }}.shop,
        {{ parent }}.record_id,
        {{ parent }}._file_name,
        {{ parent }}._airbyte_raw_id,
        item.value as elem  -- noqa: RF01
    from {{ parent }}
    {{ unnest_json_array(items, 'item') }}
)
{%- if elems %},

{{ cte }}_checks as {{ materialized_cte() }} (
    select * from (
        select
            shop,
            record_id,
            _file_name,
            _airbyte_raw_id
            {%- for field, path, kind in elems %},
            {{ reject_reason(kind, json_string('elem', path)) }} as check_{{ loop.index }}
            {%- endfor %}
        from {{ cte }}
    ) as checked
    where
        {%- for e in elems %}
        {{ 'or ' if not loop.first }}check_{{ loop.index }} is not null
        {%- endfor %}
)
{%- for field, path, kind in elems %}
{%- do branches.append((stream, "'" ~ field ~ "'", cte ~ '_checks', 'check_' ~ loop.index)) %}
{%- endfor %}
{%- endif %}
{%- endfor %}
{{- ',' if not loop.last }}
{%- endfor %}

{%- for stream, field, cte, check in branches %}
select
    shop,
    '{{ stream }}' as stream,
    record_id,
    {{ field }} as field,
    {{ check }} as reason,
    _file_name,
    _airbyte_raw_id
from {{ cte }}
where {{ check }} is not null
{{ 'union all' if not loop.last }}
{%- endfor %}
